import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newClusterId } from './config.js';

test('a cluster id never begins with "-", which kafka-storage would read as an option', () => {
  // 0xf8… encodes to "-…" in base64url: the first draw is rejected and the second one kept.
  const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
  const id = newClusterId(() => draws.shift()!);
  assert.equal(id, Buffer.alloc(16, 0x01).toString('base64url'));
  assert.equal(Buffer.alloc(16, 0xf8).toString('base64url')[0], '-');
  assert.equal(newClusterId().length, 22);
});
