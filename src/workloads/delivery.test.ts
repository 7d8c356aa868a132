import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryTracker } from './delivery.js';

test('counts lost, duplicated, out-of-order and corrupt deliveries per producer', () => {
  const tracker = new DeliveryTracker();
  for (let sequence = 0; sequence < 6; sequence++) {
    tracker.onPublished();
    tracker.onAcknowledged(1, sequence);
  }
  tracker.onPublished();
  tracker.onAcknowledged(2, 0);
  for (const sequence of [0, 2, 1, 2, 5]) tracker.onDelivered(1, sequence);
  tracker.onDelivered(2, 0);
  tracker.onCorrupt();
  assert.deepEqual(tracker.result(), { published: 7, acknowledged: 7, delivered: 5, lost: 2, duplicated: 1, outOfOrder: 1, corrupt: 1 });
});

test('sequence numbers beyond the initial bit set grow it', () => {
  const tracker = new DeliveryTracker();
  tracker.onAcknowledged(1, 100_000);
  assert.equal(tracker.onDelivered(1, 100_000), true);
  assert.equal(tracker.onDelivered(1, 100_000), false);
  assert.equal(tracker.result().lost, 0);
});
