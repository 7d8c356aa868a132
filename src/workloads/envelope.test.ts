import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyChecksum, ENVELOPE_BYTES, readEnvelope, writeEnvelope } from './envelope.js';

function message(body: string): Buffer {
  const buffer = Buffer.alloc(ENVELOPE_BYTES + body.length);
  buffer.write(body, ENVELOPE_BYTES);
  writeEnvelope(buffer, { producerId: 3, sequence: 41, intendedMs: 1000.25, sentMs: 1000.5, bodyCrc: bodyChecksum(buffer.subarray(ENVELOPE_BYTES)) });
  return buffer;
}

test('an envelope round-trips its fields', () => {
  const check = readEnvelope(message('hello world'));
  assert.deepEqual(check, {
    ok: true,
    envelope: { producerId: 3, sequence: 41, intendedMs: 1000.25, sentMs: 1000.5, bodyCrc: bodyChecksum(Buffer.from('hello world')), bodyBytes: 11, flags: 0 },
  });
});

test('any flipped bit in header or body is detected', () => {
  const original = message('payload bytes');
  for (let index = 0; index < original.length; index++) {
    const damaged = Buffer.from(original);
    damaged[index]! ^= 0x10;
    assert.equal(readEnvelope(damaged).ok, false, `byte ${index}`);
  }
});

test('truncated and foreign messages are corrupt, with a reason', () => {
  const truncated = readEnvelope(message('abcdef').subarray(0, ENVELOPE_BYTES + 3));
  assert.deepEqual(truncated.ok ? undefined : truncated.reason.includes('envelope says'), true);
  const short = readEnvelope(Buffer.alloc(10));
  assert.equal(short.ok, false);
  const foreign = readEnvelope(Buffer.alloc(100, 7));
  assert.deepEqual(foreign, { ok: false, reason: 'bad envelope magic' });
});

test('fields with their top bits set read back unsigned, from a Buffer and from a plain Uint8Array', () => {
  const buffer = Buffer.alloc(ENVELOPE_BYTES + 1000, 0xff);
  const bodyCrc = bodyChecksum(buffer.subarray(ENVELOPE_BYTES));
  assert.ok(bodyCrc > 2 ** 31, 'a body CRC with its top bit set');
  writeEnvelope(buffer, { producerId: 0xfffe, sequence: 2 ** 40 + 3, intendedMs: 1, sentMs: 2, bodyCrc, flags: 0x80000001 });
  const expected = { producerId: 0xfffe, sequence: 2 ** 40 + 3, intendedMs: 1, sentMs: 2, bodyCrc, bodyBytes: 1000, flags: 0x80000001 };
  assert.deepEqual(readEnvelope(buffer), { ok: true, envelope: expected });
  assert.deepEqual(readEnvelope(new Uint8Array(buffer)), { ok: true, envelope: expected });
});
