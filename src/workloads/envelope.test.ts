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

test('a damaged message is said to be wrong in the part that is: header, length or body', () => {
  const original = message('a body of some length');
  const bodyFlipped = Buffer.from(original);
  bodyFlipped[ENVELOPE_BYTES + 4]! ^= 1;
  assert.deepEqual(readEnvelope(bodyFlipped), { ok: false, reason: 'body checksum mismatch' });
  const headerFlipped = Buffer.from(original);
  headerFlipped[20]! ^= 1;
  assert.deepEqual(readEnvelope(headerFlipped), { ok: false, reason: 'envelope header checksum mismatch' });
  const storedBodyCrcFlipped = Buffer.from(original);
  storedBodyCrcFlipped[37]! ^= 4;
  assert.deepEqual(readEnvelope(storedBodyCrcFlipped), { ok: false, reason: 'envelope header checksum mismatch' });
  // A header rewritten whole (its CRC right) over a body that is not the one it names.
  const rewritten = message('a body of some length');
  rewritten.write('A', ENVELOPE_BYTES);
  assert.deepEqual(readEnvelope(rewritten), { ok: false, reason: 'body checksum mismatch' });
});

test('messages of different lengths, interleaved, are each checked against their own length', () => {
  const messages = ['', 'x', 'a longer body', 'x'.repeat(5000), 'x'].map(message);
  for (const delivered of [...messages, ...messages.reverse()]) assert.equal(readEnvelope(delivered).ok, true, `${delivered.length} bytes`);
  const longBodyFlipped = Buffer.from(messages[1]!);
  longBodyFlipped[longBodyFlipped.length - 1]! ^= 0x80;
  assert.deepEqual(readEnvelope(longBodyFlipped), { ok: false, reason: 'body checksum mismatch' });
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
