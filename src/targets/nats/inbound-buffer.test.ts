import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Parser } from '@nats-io/nats-core/internal';
import { recycleInboundPayload, sizeInboundBuffersOnce } from './inbound-buffer.js';

/**
 * Feeds a MSG of `payload` to a parser in 64 KiB reads; returns what it dispatched (copies, and the views themselves)
 * and the buffer's capacity after the first read.
 */
function parseInReads(payload: Uint8Array): { delivered: Uint8Array[]; views: Uint8Array[]; capacityAfterFirstRead: number } {
  const delivered: Uint8Array[] = [];
  const views: Uint8Array[] = [];
  const parser = new Parser({
    push: (event: { data?: Uint8Array }) => {
      if (!event.data) return;
      delivered.push(Uint8Array.from(event.data));
      views.push(event.data);
    },
  } as never);
  const frame = Buffer.concat([Buffer.from(`MSG topic 1 ${payload.length}\r\n`), payload, Buffer.from('\r\n')]);
  let capacityAfterFirstRead = 0;
  for (let offset = 0; offset < frame.length; offset += 65_536) {
    parser.parse(frame.subarray(offset, offset + 65_536));
    if (offset === 0) capacityAfterFirstRead = (parser as unknown as { msgBuf?: { capacity: number } }).msgBuf?.capacity ?? 0;
  }
  return { delivered, views, capacityAfterFirstRead };
}

test("nats.js's parser sizes a message spanning many reads once, and delivers it byte for byte", () => {
  const payload = Buffer.alloc(1 << 20);
  for (let index = 0; index < payload.length; index++) payload[index] = (index * 31) & 255;
  const before = parseInReads(payload);
  assert.ok(before.capacityAfterFirstRead < 1 << 20, `unwrapped, the buffer starts at the first read's size (${before.capacityAfterFirstRead})`);
  assert.equal(sizeInboundBuffersOnce(), true);
  assert.equal(sizeInboundBuffersOnce(), true, 'idempotent');
  const after = parseInReads(payload);
  assert.equal(after.capacityAfterFirstRead, 1 << 20, 'sized for exactly the whole message after its first read');
  assert.equal(after.delivered.length, 1);
  assert.ok(Buffer.from(after.delivered[0]!).equals(payload));
  // Small messages within one read are untouched.
  const small = parseInReads(Buffer.from('hello'));
  assert.deepEqual(small.delivered.map((data) => Buffer.from(data).toString()), ['hello']);
});

test('a multi-read message given back is the buffer the next message of its size is read into, intact', () => {
  assert.equal(sizeInboundBuffersOnce(), true);
  const patterned = (seed: number) => {
    const payload = Buffer.alloc(300_000);
    for (let index = 0; index < payload.length; index++) payload[index] = (index * seed) & 255;
    return payload;
  };
  const first = parseInReads(patterned(7));
  recycleInboundPayload(first.views[0]!);
  const second = parseInReads(patterned(13));
  assert.equal(second.views[0]!.buffer, first.views[0]!.buffer, 'read into the given-back buffer');
  assert.ok(Buffer.from(second.delivered[0]!).equals(patterned(13)), 'and delivered byte for byte');
  // Not given back: the next message gets a buffer of its own, and the one kept is left as it was.
  const third = parseInReads(patterned(29));
  assert.notEqual(third.views[0]!.buffer, second.views[0]!.buffer);
  assert.ok(Buffer.from(second.views[0]!).equals(patterned(13)));
  // A view of a socket read (a message within one read) is not the pool's: giving it back changes nothing.
  const small = parseInReads(Buffer.from('hello'));
  recycleInboundPayload(small.views[0]!);
  assert.notEqual(parseInReads(patterned(31)).views[0]!.buffer, small.views[0]!.buffer);
});
