import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFakeTarget } from '../testing/fake-target.js';
import { tinyRun } from '../testing/tiny-run.js';
import { summarizeTrials } from './summary.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

test('a trial during which the broker frees earlier data reports what it wrote (nothing here), not a negative figure', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: reclaim
targets: [{ name: f, type: fake, settings: { reclaimBytes: 1048576 } }]
workload: { type: pubsub, operations: 2, messages: 50 }
`,
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error);
  const [trial] = entry!.trials;
  assert.equal(trial?.storage?.reclaimed, true);
  assert.ok(trial!.storage!.before.bytes - trial!.storage!.after.bytes >= 1_000_000, 'the total shrank by the freed megabyte');
  assert.equal(trial?.storage?.bytes, 0, 'the in-memory fake wrote nothing to disk');
  assert.equal(entry!.summary!.storageBytes, 0);
});

test('write throughput is over the writes, not the wait for a lagging consumer', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: lagging-consumer
targets: [{ name: f, type: fake, settings: { deliveryDelayMs: 1500 } }]
workload: { type: stream, mode: closed-loop, inFlight: 4, payloadBytes: 1KiB, messages: 400 }
`,
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error);
  const measured = entry!.trials[0]!.measured!;
  assert.ok(measured.writeSeconds! < 1 && measured.durationSeconds >= 1.5, `writes took ${measured.writeSeconds} s of a ${measured.durationSeconds} s phase`);
  const { writeMegabytesPerSec, megabytesPerSec } = entry!.summary!.throughput;
  assert.ok(Math.abs(writeMegabytesPerSec! - (400 * 1024) / 1e6 / measured.writeSeconds!) < 1e-9);
  assert.ok(writeMegabytesPerSec! > 2 * megabytesPerSec, `write ${writeMegabytesPerSec} MB/s vs delivered ${megabytesPerSec} MB/s`);
});

test('the ratio to the ceiling pairs each trial with its own ceiling, then takes the median', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: paired-ceiling
trials: 3
targets: [{ name: f, type: fake }]
workload: { type: stream, mode: closed-loop, inFlight: 4, payloadBytes: 1KiB, messages: 100 }
`,
  );
  const trials = structuredClone(result.cases[0]!.trials);
  // Write MB/s of 100, 50, 90 against ceilings of 125, 100, 90 (the disk slowed down and recovered): ratios 0.8,
  // 0.5 and 1.0, median 0.8. The median write over the median ceiling would say 90 / 100 = 0.9.
  const figures = [[100, 125], [50, 100], [90, 90]] as const;
  trials.forEach((trial, index) => {
    const [write, ceiling] = figures[index]!;
    trial.measured!.writeSeconds = trial.measured!.counters.bytesAcknowledged / 1e6 / write;
    trial.ceiling = { method: 'test', megabytesPerSec: ceiling, objectBytes: 1024, parallelism: 1, seconds: 1, bytes: 1 };
  });
  const summary = summarizeTrials(trials)!;
  assert.ok(Math.abs(summary.ratioToCeiling! - 0.8) < 1e-9, `ratio ${summary.ratioToCeiling}`);
  assert.equal(summary.ceiling?.megabytesPerSec, 100);
  assert.ok(Math.abs(summary.throughput.writeMegabytesPerSec! - 90) < 1e-9);
});
