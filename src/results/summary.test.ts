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

test("the broker's perf tool runs after each closed-loop trial; the client's efficiency pairs each trial with its own tool run", async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: tool-ceiling
trials: 3
targets: [{ name: f, type: fake, settings: { toolMessagesPerSec: 1000 } }]
workload: { type: stream, mode: closed-loop, producers: 2, inFlight: 4, payloadBytes: 1KiB, messages: 100 }
`,
  );
  const trials = structuredClone(result.cases[0]!.trials);
  assert.deepEqual(
    trials.map((trial) => [trial.toolCeiling?.messages, trial.toolCeiling?.settings.pubAcksOutstanding, trial.toolCeiling?.messageBytes]),
    [[100, 8, 1024], [100, 8, 1024], [100, 8, 1024]],
    'the tool gets the trial\'s message count, sends outstanding over all producers, and message size',
  );
  for (const trial of trials) {
    assert.equal(trial.toolCeiling?.settings.trialTopicDropped, true, "the trial's topic is freed before the tool writes");
    // The fake keeps its data in memory: no page cache of its to settle (a target on this disk: rocksmq's test).
    assert.equal(trial.settled, undefined);
    assert.equal(trial.toolCeiling?.settings.pageCacheBeforeWrites, undefined);
  }
  // Write rates of 800, 300 and 1000 msg/s against tool runs of 1000, 600 and 1000: 0.8, 0.5, 1.0, median 0.8.
  const figures = [[800, 1000], [300, 600], [1000, 1000]] as const;
  trials.forEach((trial, index) => {
    const [write, tool] = figures[index]!;
    trial.measured!.writeSeconds = trial.measured!.counters.messagesAcknowledged / write;
    trial.toolCeiling!.messagesPerSec = tool;
  });
  const summary = summarizeTrials(trials)!;
  assert.ok(Math.abs(summary.clientEfficiency! - 0.8) < 1e-9, `efficiency ${summary.clientEfficiency}`);
  assert.equal(summary.toolCeiling?.messagesPerSec, 1000);
  assert.equal(summary.toolCeiling?.tool, 'fake-perf');
  assert.deepEqual(summary.trialStats.clientEfficiency?.values, [0.8, 0.5, 1]);
});

test("a write-only stream's read-back is timed and paired with the tool's consumer in the same trial", async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: tool-read-back
trials: 3
targets: [{ name: f, type: fake, settings: { toolMessagesPerSec: 1000, toolReadMessagesPerSec: 2000 } }]
workload: { type: stream, mode: closed-loop, inFlight: 4, payloadBytes: 1KiB, messages: 100, consumer: after }
`,
  );
  const trials = structuredClone(result.cases[0]!.trials);
  for (const trial of trials) {
    assert.equal(trial.measured!.readBack?.messages, trial.measured!.counters.messagesDelivered, 'the read-back was timed (no warm-up here)');
    assert.equal(trial.toolCeiling?.readBack?.messagesPerSec, 2000, 'the tool read back because the trial did');
  }
  // Read rates of 1600, 500 and 2000 msg/s against the tool's consumer at 2000, 1000 and 2000: 0.8, 0.5, 1.0.
  const figures = [[1600, 2000], [500, 1000], [2000, 2000]] as const;
  trials.forEach((trial, index) => {
    const [read, tool] = figures[index]!;
    trial.measured!.readBack!.seconds = trial.measured!.readBack!.messages / read;
    trial.toolCeiling!.readBack!.messagesPerSec = tool;
  });
  const summary = summarizeTrials(trials)!;
  assert.ok(Math.abs(summary.readEfficiency! - 0.8) < 1e-9, `read efficiency ${summary.readEfficiency}`);
  assert.equal(summary.throughput.readMessagesPerSec, 1600);
  assert.equal(summary.toolCeiling?.readBack?.messagesPerSec, 2000);
  assert.deepEqual(summary.trialStats.readEfficiency?.values, [0.8, 0.5, 1]);

  // A tailing consumer has no read-back: neither side reads one.
  const { result: tailing } = await tinyRun(
    t,
    `
name: tool-tailing
targets: [{ name: f, type: fake, settings: { toolMessagesPerSec: 1000 } }]
workload: { type: stream, mode: closed-loop, inFlight: 4, payloadBytes: 1KiB, messages: 100 }
`,
  );
  const entry = tailing.cases[0]!;
  assert.equal(entry.trials[0]!.measured!.readBack, undefined);
  assert.equal(entry.trials[0]!.toolCeiling!.readBack, undefined);
  assert.equal(entry.summary!.readEfficiency, undefined);
});

test('a perf tool that fails is recorded beside a trial that still passes; open-loop trials run no tool', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: tool-failure
targets:
  - { name: broken, type: fake, settings: { toolError: "perf tool exploded" } }
  - { name: paced, type: fake, settings: { toolMessagesPerSec: 1000 } }
workload: { type: stream, mode: closed-loop, inFlight: 2, rate: 500, payloadBytes: 1KiB, messages: 50 }
matrix: { axes: { mode: [closed-loop, open-loop] } }
`,
  );
  const byName = (target: string, mode: string) => result.cases.find((entry) => entry.target === target && entry.params.mode === mode)!;
  const broken = byName('broken', 'closed-loop');
  assert.equal(broken.status, 'passed');
  assert.equal(broken.summary?.toolCeilingError, 'perf tool exploded');
  assert.equal(broken.summary?.clientEfficiency, null);
  assert.equal(byName('paced', 'closed-loop').trials[0]?.toolCeiling?.messagesPerSec, 1000);
  assert.equal(byName('paced', 'open-loop').trials[0]?.toolCeiling, undefined);
});

test("a pub/sub trial's Go reference is compared by round trip: messages per operation over the median operation", async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: reference
targets: [{ name: f, type: fake }]
workload: { type: pubsub, payloadBytes: 1KiB, messages: 100, operations: 3, reference: true }
`,
  );
  const trials = structuredClone(result.cases[0]!.trials);
  assert.equal(trials[0]!.toolCeiling, undefined, 'a target without a reference runs none');
  // Operations of 1, 2 and 4 s (median 2 s: 50 msg/s) against a reference at 0.5 s per operation (200 msg/s): 0.25.
  trials[0]!.measured!.opSeconds = [1, 2, 4];
  trials[0]!.toolCeiling = { tool: 'go-ref', command: 'pubsub-ref', settings: {}, messages: 100, messageBytes: 1024, seconds: 0.5, messagesPerSec: 200, megabytesPerSec: 0.2 };
  const summary = summarizeTrials(trials)!;
  assert.ok(Math.abs(summary.clientEfficiency! - 0.25) < 1e-9, `efficiency ${summary.clientEfficiency}`);
});
