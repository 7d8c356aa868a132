import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageQueue } from './message-queue.js';

test('a message queue hands messages over in order, bounds a wait when asked, and fails reads once its source ended', async () => {
  const queue = new MessageQueue<number>();
  queue.push(1);
  const waiting = queue.next();
  assert.equal(await waiting, 1);
  const later = queue.next();
  queue.push(2);
  assert.equal(await later, 2);
  await assert.rejects(queue.next(20, 'reply'), /no reply within 0 s/);
  queue.push(3);
  assert.equal(await queue.next(), 3, 'a timed-out wait does not take the next message');
  const pending = queue.next();
  queue.end(new Error('gone'));
  await assert.rejects(pending, /gone/);
  await assert.rejects(queue.next(), /gone/);
});
