import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReaderFrameSplitter, type ReaderFrameKind } from './reader-frames.js';

/** One frame as kafka-reader writes it. */
function frame(kind: ReaderFrameKind, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(kind, 0, 'latin1');
  header.writeUInt32LE(body.length, 1);
  return Buffer.concat([header, body]);
}

/** Splits `output` cut at `cuts` and returns what the splitter handed on. */
function split(output: Buffer, cuts: number[]): Array<[ReaderFrameKind, string]> {
  const frames: Array<[ReaderFrameKind, string]> = [];
  const splitter = new ReaderFrameSplitter((kind, body) => frames.push([kind, body.toString('hex')]));
  let start = 0;
  for (const cut of [...cuts, output.length]) {
    splitter.push(output.subarray(start, cut));
    start = cut;
  }
  assert.equal(splitter.idle, true);
  return frames;
}

test('frames come out whole wherever the chunks are cut, a header or a body split across several', () => {
  const bodies = [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(3000, 7), Buffer.from('last message')];
  const output = Buffer.concat([frame('r', bodies[0]!), frame('m', bodies[1]!), frame('m', bodies[2]!), frame('e', Buffer.from('x')), frame('m', bodies[3]!)]);
  const expected: Array<[ReaderFrameKind, string]> = [
    ['r', ''],
    ['m', bodies[1]!.toString('hex')],
    ['m', bodies[2]!.toString('hex')],
    ['e', Buffer.from('x').toString('hex')],
    ['m', bodies[3]!.toString('hex')],
  ];
  assert.deepEqual(split(output, []), expected);
  for (let cut = 1; cut < output.length; cut += 1) assert.deepEqual(split(output, [cut]), expected, `one cut at ${cut}`);
  assert.deepEqual(split(output, [2, 4, 7, 8, 100, 1000, 2000, 3010, 3011, 3012]), expected);
  const byteByByte = Array.from({ length: output.length - 1 }, (_, index) => index + 1);
  assert.deepEqual(split(output, byteByByte), expected);
});

test('a message inside one chunk is a view of it, not a copy', () => {
  const output = frame('m', Buffer.from('payload'));
  let body: Buffer | undefined;
  new ReaderFrameSplitter((_, value) => (body = value)).push(output);
  assert.equal(body?.buffer, output.buffer);
});

test('bytes that are not a frame fail with a message, not silently', () => {
  const splitter = new ReaderFrameSplitter(() => undefined);
  assert.throws(() => splitter.push(Buffer.from([0x41, 0, 0, 0, 0])), /unknown type 65/);
});
