import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecycledBuffers } from './recycled-buffers.js';

test('a given-back buffer is taken again for the same size, and only for it', () => {
  const pool = new RecycledBuffers(1 << 20);
  const first = pool.take(1000);
  assert.equal(first.byteLength, 1000);
  pool.giveBack(first);
  assert.equal(pool.waitingBytes, 1000);
  const other = pool.take(2000);
  assert.notEqual(other, first);
  assert.equal(pool.take(1000), first, 'the same buffer again');
  assert.equal(pool.waitingBytes, 0);
  assert.notEqual(pool.take(1000), first, 'taken, it is not handed out twice');
});

test('only buffers the pool handed out come back, each once', () => {
  const pool = new RecycledBuffers(1 << 20);
  pool.giveBack(new ArrayBuffer(1000));
  assert.equal(pool.waitingBytes, 0, 'a foreign buffer is ignored');
  const buffer = pool.take(1000);
  pool.giveBack(buffer);
  pool.giveBack(buffer);
  assert.equal(pool.waitingBytes, 1000, 'a second give-back of the same buffer is ignored');
  assert.equal(pool.take(1000), buffer);
  assert.notEqual(pool.take(1000), buffer, 'it was waiting once, not twice');
});

test('at most maxFreeBytes wait: the oldest leave first, and a buffer larger than the bound is dropped', () => {
  const pool = new RecycledBuffers(3000);
  const [a, b, c] = [pool.take(1000), pool.take(1000), pool.take(2000)];
  pool.giveBack(a);
  pool.giveBack(b);
  pool.giveBack(c);
  assert.equal(pool.waitingBytes, 3000, 'a left for c');
  assert.equal(pool.take(2000), c);
  assert.equal(pool.take(1000), b);
  assert.notEqual(pool.take(1000), a);
  pool.giveBack(pool.take(4000));
  assert.equal(pool.waitingBytes, 0);
});
