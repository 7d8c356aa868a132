import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageQueue } from '../util/message-queue.js';
import type { LoadClientChannel } from './load-client.js';
import { clockCheck, clockPong, isClockPing, measureClock } from './clock-sync.js';

/** A client whose clock is `offsetMs` ahead of `clock`, answering `delays[round]` ms after each question (on a fake clock). */
function skewedClient(offsetMs: number, delays: number[], clock: { ms: number }): LoadClientChannel {
  const inbox = new MessageQueue<unknown>();
  let round = 0;
  return {
    label: 'fake client',
    send(message) {
      assert.ok(isClockPing(message));
      const delay = delays[Math.min(round++, delays.length - 1)]!;
      // The answer is stamped a quarter of the way through the round trip (not halfway: the bound must hold anyway).
      clock.ms += delay / 4;
      const pong = { ...clockPong(message), t1: clock.ms + offsetMs };
      clock.ms += (3 * delay) / 4;
      inbox.push(pong);
    },
    next: (timeoutMs) => inbox.next(timeoutMs),
    close: async () => undefined,
  };
}

test('measureClock: the offset of a skewed clock, within half the shortest round trip; that round is the one kept', async () => {
  const clock = { ms: 1_000_000 };
  const reading = await measureClock(skewedClient(-2500, [40, 2, 30, 20], clock), 4, () => clock.ms);
  assert.equal(reading.uncertaintyMs, 1, 'the 2 ms round was kept');
  assert.equal(reading.offsetMs, -2500.5, 'stamped 0.5 ms before the middle of the round trip');
  assert.ok(Math.abs(reading.offsetMs - -2500) <= reading.uncertaintyMs);
  assert.equal(reading.rounds, 4);
});

test('measureClock: an answer that is not the clock answer fails, naming the client', async () => {
  const inbox = new MessageQueue<unknown>();
  const channel: LoadClientChannel = { label: 'load client 1 of 1', send: () => inbox.push({ type: 'ready' }), next: (ms) => inbox.next(ms), close: async () => undefined };
  await assert.rejects(measureClock(channel, 1), /load client 1 of 1 did not answer the clock exchange \(sent \{"type":"ready"\}\)/);
});

test('clockCheck: the offset before the trial is used; drift over the trial widens the uncertainty', () => {
  const check = clockCheck('c', { offsetMs: 100, uncertaintyMs: 0.2, rounds: 16 }, { offsetMs: 103, uncertaintyMs: 0.5, rounds: 16 });
  assert.equal(check.offsetMs, 100);
  assert.equal(check.uncertaintyMs, 3.5);
  assert.equal(clockCheck('c', { offsetMs: 1, uncertaintyMs: 0.2, rounds: 16 }).uncertaintyMs, 0.2);
});
