import assert from 'node:assert/strict';
import { test } from 'node:test';
import { receiverQueue } from './binary-client.js';

test("a consumer's permits are the receiver queue, or fewer where that many of the workload's messages would pass 64 MiB", () => {
  assert.equal(receiverQueue(1000, 1024), 1000);
  assert.equal(receiverQueue(1000, 1024 * 1024), 64);
  assert.equal(receiverQueue(1000, 128 * 1024 * 1024), 1);
  assert.equal(receiverQueue(500, undefined), 500, 'size unknown: the queue as set');
});
