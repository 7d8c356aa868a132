import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pullSize } from './driver.js';

test('pulls are sized in messages where the message size is known (at most 1,000, within the byte budget), else in bytes', () => {
  const budget = 32 * 1024 * 1024;
  assert.deepEqual(pullSize(budget, 1024), { max_messages: 1000 });
  assert.deepEqual(pullSize(budget, 64 * 1024), { max_messages: 512 });
  assert.deepEqual(pullSize(budget, 1024 * 1024), { max_messages: 32 });
  assert.deepEqual(pullSize(budget, 64 * 1024 * 1024), { max_messages: 1 });
  assert.deepEqual(pullSize(budget, undefined), { max_bytes: budget });
});
