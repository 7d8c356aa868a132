import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nowMs } from '../util/clock.js';
import { closedLoop, constantRate, DEFAULT_LATE_AFTER_MS, type RateSlot } from './schedule.js';

const never = () => false;

test('a constant rate fires a fixed count in order, at most 1 ms early, timed from min(intended, actual), and says how late each went out', async () => {
  const fired: Array<RateSlot & { at: number }> = [];
  const count = await constantRate({ intervalMs: 5, count: 20, stop: never, signal: new AbortController().signal }, (slot) => fired.push({ ...slot, at: nowMs() }));
  assert.equal(count, 20);
  assert.deepEqual(fired.map((slot) => slot.index), [...Array(20).keys()]);
  for (const slot of fired) {
    assert.ok(slot.at >= slot.intendedMs - 1, `slot ${slot.index} went out ${slot.intendedMs - slot.at} ms early`);
    assert.ok(slot.clockFromMs <= slot.at && slot.clockFromMs <= slot.intendedMs, 'the latency clock never starts after the send or its intended time');
    assert.ok(Math.abs(slot.intendedMs - (fired[0]!.intendedMs + slot.index * 5)) < 1e-6, 'intended times are start + index × interval');
    assert.equal(slot.late, slot.delayMs > DEFAULT_LATE_AFTER_MS);
  }
});

test('sends held back by a busy harness go out late, all at once, and are counted late; none is skipped', async () => {
  const fired: RateSlot[] = [];
  const start = nowMs();
  await constantRate({ intervalMs: 2, count: 30, startMs: start, stop: never, signal: new AbortController().signal }, (slot) => {
    fired.push(slot);
    if (slot.index === 5) while (nowMs() < start + 40) {} // the harness stalls 40 ms: the next ~15 sends are overdue
  });
  assert.equal(fired.length, 30);
  const overdue = fired.filter((slot) => slot.index > 5 && slot.intendedMs < start + 35);
  assert.ok(overdue.length >= 10);
  for (const slot of overdue) assert.ok(slot.late && slot.delayMs > 5, `slot ${slot.index}: ${slot.delayMs} ms`);
});

test('a constant rate ends at untilMs, on stop() and on abort; hold() delays the due send', async () => {
  const startMs = nowMs();
  assert.equal(await constantRate({ intervalMs: 10, startMs, untilMs: startMs + 45, stop: never, signal: new AbortController().signal }, () => undefined), 5);
  let stopped = 0;
  assert.equal(await constantRate({ intervalMs: 1, stop: () => stopped >= 7, signal: new AbortController().signal }, () => void (stopped += 1)), 7);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  assert.ok((await constantRate({ intervalMs: 1000, stop: never, signal: controller.signal }, () => undefined)) <= 1);
  let holding = true;
  setTimeout(() => (holding = false), 30);
  const [slot] = await new Promise<RateSlot[]>((resolve) => {
    const slots: RateSlot[] = [];
    void constantRate({ intervalMs: 1, count: 1, hold: () => holding, stop: never, signal: new AbortController().signal }, (one) => slots.push(one)).then(() => resolve(slots));
  });
  assert.ok(slot!.delayMs >= 25 && slot!.late, `held for ${slot!.delayMs} ms`);
});

test('a closed loop keeps `concurrency` operations in flight, for a fixed count or until stop()', async () => {
  let inFlight = 0;
  let most = 0;
  const lanes = new Set<number>();
  const count = await closedLoop({ concurrency: 4, count: 50, stop: never }, async ({ lane }) => {
    lanes.add(lane);
    most = Math.max(most, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight -= 1;
  });
  assert.equal(count, 50);
  assert.equal(most, 4);
  assert.deepEqual([...lanes].sort(), [0, 1, 2, 3]);
  let done = 0;
  assert.equal(await closedLoop({ concurrency: 2, stop: () => done >= 10 }, async () => void (done += 1)), 10);
});
