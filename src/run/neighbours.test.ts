import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResourceProbe, ResourceReading } from '../metrics/resources.js';
import { cpuAt, NeighbourWatch } from './neighbours.js';

/** A probe whose CPU grows by `cores` per second of wall time, changeable while it runs; undefined once `gone`. */
class WallClockProbe implements ResourceProbe {
  readonly label = 'stand-in';
  gone = false;
  private cpuSeconds = 0;
  private lastMs = Date.now();
  constructor(public cores: number) {}
  async read(): Promise<ResourceReading | undefined> {
    const nowMs = Date.now();
    this.cpuSeconds += (this.cores * (nowMs - this.lastMs)) / 1000;
    this.lastMs = nowMs;
    return this.gone ? undefined : { cpuSeconds: this.cpuSeconds, rssBytes: 0 };
  }
  async resetPeak() {
    return false;
  }
  async peak() {
    return undefined;
  }
}

test('cumulative CPU between samples is interpolated, and clamped outside them', () => {
  const samples = [
    { atMs: 1000, cpuSeconds: 10 },
    { atMs: 2000, cpuSeconds: 12 },
    { atMs: 4000, cpuSeconds: 13 },
  ];
  assert.equal(cpuAt([], 1500), undefined);
  assert.equal(cpuAt(samples, 500), 10);
  assert.equal(cpuAt(samples, 1500), 11);
  assert.equal(cpuAt(samples, 3000), 12.5);
  assert.equal(cpuAt(samples, 9000), 13);
});

test('quiet neighbours: one window is read, nothing is waited for', async () => {
  const watch = new NeighbourWatch([{ target: 'idle', probe: new WallClockProbe(0.01) }]);
  const settled = await watch.settle({ quietBelow: 0.1, waitMs: 10_000 }, new AbortController().signal);
  assert.equal(settled.quiet, true);
  assert.equal(settled.waitedMs, 0);
  assert.equal(settled.atStart[0]!.target, 'idle');
  assert.ok(settled.atStart[0]!.cores < 0.1, JSON.stringify(settled));
});

test('a busy neighbour is waited for until it goes quiet, and never longer than the wait', async () => {
  const busy = new WallClockProbe(0.8);
  const watch = new NeighbourWatch([{ target: 'busy', probe: busy }]);
  const heard: number[] = [];
  const bounded = await watch.settle({ quietBelow: 0.1, waitMs: 1500 }, new AbortController().signal, (waitedMs) => heard.push(waitedMs));
  assert.equal(bounded.quiet, false);
  assert.ok(bounded.waitedMs >= 1500 && bounded.waitedMs < 10_000, `${bounded.waitedMs} ms`);
  assert.ok(bounded.atStart[0]!.cores > 0.5, JSON.stringify(bounded));
  assert.ok(heard.length >= 1, 'each busy window is reported while waiting');

  setTimeout(() => (busy.cores = 0), 1500);
  const quietened = await watch.settle({ quietBelow: 0.1, waitMs: 30_000 }, new AbortController().signal);
  assert.equal(quietened.quiet, true);
  assert.ok(quietened.waitedMs >= 1000, `${quietened.waitedMs} ms: it waited for the busy second to pass`);
});

test('an interrupted wait returns at once', async () => {
  const controller = new AbortController();
  const watch = new NeighbourWatch([{ target: 'busy', probe: new WallClockProbe(1) }]);
  setTimeout(() => controller.abort(), 200);
  const startedMs = Date.now();
  await watch.settle({ quietBelow: 0.1, waitMs: 60_000 }, controller.signal);
  assert.ok(Date.now() - startedMs < 10_000);
});

test('the CPU of each neighbour over a window, from the periodic reads; one that is gone drops out', async () => {
  const busy = new WallClockProbe(0.5);
  const gone = new WallClockProbe(1);
  gone.gone = true;
  const watch = new NeighbourWatch([
    { target: 'busy', probe: busy },
    { target: 'gone', probe: gone },
  ]);
  const fromMs = Date.now();
  watch.start();
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await watch.stop();
  const toMs = Date.now();
  const [only, ...rest] = watch.over(fromMs, toMs);
  assert.deepEqual(rest, []);
  assert.equal(only!.target, 'busy');
  // The reads come once a second: the window's first part is clamped to the first read, so the figure is a bit low.
  assert.ok(only!.cores > 0.25 && only!.cores <= 0.51, JSON.stringify(only));
  assert.ok(Math.abs(only!.cpuSeconds - only!.cores * ((toMs - fromMs) / 1000)) < 0.01);
});
