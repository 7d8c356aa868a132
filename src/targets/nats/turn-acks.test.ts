import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { test } from 'node:test';
import { TurnAcks } from './turn-acks.js';

test("a turn's acks are sent together at its end, each message acked once; flush sends what is queued at once", async () => {
  const acked: number[] = [];
  const message = (id: number) => ({ ack: () => void acked.push(id) });
  const acks = new TurnAcks();
  [1, 2, 3].forEach((id) => acks.add(message(id)));
  assert.deepEqual(acked, [], 'nothing is sent during the turn');
  await nextTurn();
  assert.deepEqual(acked, [1, 2, 3]);
  acks.add(message(4));
  acks.flush();
  assert.deepEqual(acked, [1, 2, 3, 4]);
  await nextTurn();
  assert.deepEqual(acked, [1, 2, 3, 4], 'a flushed ack is not sent twice');
});
