import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { bodyChecksum, ENVELOPE_BYTES, readEnvelope } from './envelope.js';
import { PayloadSource, seededBytes } from './payload.js';

test('bodies are deterministic for a seed and carry correct checksums', () => {
  const a = new PayloadSource('random', 1000, 50, 9);
  const b = new PayloadSource('random', 1000, 50, 9);
  const c = new PayloadSource('random', 1000, 50, 10);
  assert.ok(a.body(7).bytes.equals(b.body(7).bytes));
  assert.ok(!a.body(7).bytes.equals(c.body(7).bytes));
  for (const index of [0, 13, 49]) assert.equal(a.body(index).crc, bodyChecksum(a.body(index).bytes));
});

test('random bodies are distinct and incompressible; window bodies overlap and compress', () => {
  const random = new PayloadSource('random', 4096, 64, 1);
  assert.equal(random.info().distinctBodies, 64);
  assert.ok(!random.body(0).bytes.equals(random.body(1).bytes));
  const randomStream = Buffer.concat(Array.from({ length: 64 }, (_, i) => random.body(i).bytes));
  assert.ok(gzipSync(randomStream).length > randomStream.length * 0.99, 'random bodies do not compress');

  const window = new PayloadSource('window', 4096, 64, 1);
  assert.equal(window.info().poolBytes, 8192, 'one shared buffer of twice the body size, as in the Go benchmark');
  const windowStream = Buffer.concat(Array.from({ length: 64 }, (_, i) => window.body(i).bytes));
  assert.ok(gzipSync(windowStream).length < windowStream.length * 0.2, 'window bodies share their bytes');
});

test('the random pool is bounded: bodies repeat only after it is used up', () => {
  const big = new PayloadSource('random', 5 * 1024 * 1024, 100, 1);
  assert.ok(big.info().poolBytes <= 64 * 1024 * 1024);
  assert.equal(big.info().distinctBodies, 12);
  assert.ok(big.body(0).bytes.equals(big.body(12).bytes));
  assert.equal(seededBytes(1, 'x', 16).length, 16);
});

test('writeMessage builds message i as a producer sends it: an envelope with sequence i over body i', () => {
  const source = new PayloadSource('random', 1000, 50, 3);
  const message = Buffer.alloc(ENVELOPE_BYTES + 1000);
  source.writeMessage(57, message);
  const check = readEnvelope(message);
  assert.ok(check.ok, check.ok ? '' : check.reason);
  assert.equal(check.envelope.sequence, 57);
  assert.deepEqual(message.subarray(ENVELOPE_BYTES), source.body(57).bytes);
  assert.notDeepEqual(message.subarray(ENVELOPE_BYTES), source.body(58).bytes);
});
