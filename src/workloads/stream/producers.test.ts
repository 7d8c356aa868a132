import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageShare } from './producers.js';

test('measured messages are dealt out among producers exactly, the first ones taking the remainder', () => {
  for (const [total, producers] of [[3001, 3], [10, 4], [2, 5], [200_000, 7]] as const) {
    const shares = Array.from({ length: producers }, (_, index) => messageShare(total, producers, index + 1));
    assert.equal(shares.reduce((sum, share) => sum + share, 0), total);
    assert.ok(Math.max(...shares) - Math.min(...shares) <= 1, `${shares}`);
  }
});
