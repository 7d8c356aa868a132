import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Parser } from '@nats-io/nats-core/internal';
import { sizeInboundBuffersOnce } from './inbound-buffer.js';

/** Feeds a 1 MiB MSG to a parser in 64 KiB reads; returns what it dispatched and the buffer's capacity after the first read. */
function parseInReads(payload: Uint8Array): { delivered: Uint8Array[]; capacityAfterFirstRead: number } {
  const delivered: Uint8Array[] = [];
  const parser = new Parser({ push: (event: { data?: Uint8Array }) => event.data && delivered.push(Uint8Array.from(event.data)) } as never);
  const frame = Buffer.concat([Buffer.from(`MSG topic 1 ${payload.length}\r\n`), payload, Buffer.from('\r\n')]);
  let capacityAfterFirstRead = 0;
  for (let offset = 0; offset < frame.length; offset += 65_536) {
    parser.parse(frame.subarray(offset, offset + 65_536));
    if (offset === 0) capacityAfterFirstRead = (parser as unknown as { msgBuf?: { capacity: number } }).msgBuf?.capacity ?? 0;
  }
  return { delivered, capacityAfterFirstRead };
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
