import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { readResultFile } from '../results/io.js';
import { resultFileSchema } from '../results/result-file.js';
import type { TrialRecord } from '../results/trial.js';
import { useFakeTarget } from '../testing/fake-target.js';
import { tempDir } from '../testing/temp-dir.js';
import { tinyRun } from '../testing/tiny-run.js';
import { parseScenario } from '../scenario/load.js';
import { renderSummaryTable } from '../report/table.js';
import { runScenario } from './runner.js';
import type { TrialCommand, Worker } from './worker.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

const twoTargets = (trials: number, extraTarget = '') => `
name: order
trials: ${trials}
targets:
  - { name: a, type: fake }
  - { name: b, type: fake }${extraTarget}
workload: { type: pubsub, operations: 1, messages: 20 }
warmup: { operations: 0 }
matrix:
  include:
    - { payloadBytes: 1KiB }
    - { payloadBytes: 2KiB }
`;

/** A worker that records the commands it gets and returns an empty passed trial. */
class RecordingWorker implements Worker {
  readonly commands: TrialCommand[] = [];
  async runTrial(command: TrialCommand): Promise<TrialRecord> {
    this.commands.push(command);
    const now = new Date().toISOString();
    return { number: command.trialNumber, status: 'passed', failures: [], startedAt: now, endedAt: now };
  }
}

test('targets are interleaved between trials (A B A B), one parameter point after another', async (t) => {
  const worker = new RecordingWorker();
  await tinyRun(t, twoTargets(2), { worker });
  const order = worker.commands.map((command) => `${command.target.name}${command.trialNumber}:${command.workload.type === 'pubsub' && command.workload.payloadBytes}`);
  assert.deepEqual(order, ['a1:1024', 'b1:1024', 'a2:1024', 'b2:1024', 'a1:2048', 'b1:2048', 'a2:2048', 'b2:2048']);
  assert.equal(new Set(worker.commands.map((command) => command.topicPrefix)).size, 8, 'a fresh topic prefix per trial');
  assert.ok(worker.commands.every((command) => /^[a-z0-9-]+$/.test(command.topicPrefix)), 'topic names every broker accepts');
});

test('a target that cannot start errors its cases and the run goes on', async (t) => {
  const { result, outDir } = await tinyRun(t, twoTargets(1, '\n  - { name: broken, type: fake, settings: { failProvision: true } }'));
  const broken = result.cases.filter((entry) => entry.target === 'broken');
  assert.equal(broken.length, 2);
  assert.ok(broken.every((entry) => entry.status === 'errored' && /broken could not be started: injected provisioning failure/.test(entry.error!)));
  assert.ok(result.cases.filter((entry) => entry.target !== 'broken').every((entry) => entry.status === 'passed'));
  assert.equal(result.status, 'errored');
  assert.equal(result.manifest.targets.broken?.error, 'injected provisioning failure');
  assert.ok(existsSync(join(outDir, 'report.html')));
});

test('an interrupted run writes what it measured, marked incomplete, and removes its work directory', async (t) => {
  const controller = new AbortController();
  const scenario = `
name: slow
targets: [{ name: f, type: fake, settings: { sendDelayMs: 2 } }]
workload: { type: pubsub, operations: 20, messages: 50 }
warmup: { operations: 0 }
`;
  let trials = 0;
  const run = tinyRun(t, scenario, {
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === 'trial-progress' && event.progress.done >= 150 && trials++ === 0) controller.abort('SIGINT');
    },
  });
  const { result, outDir } = await run;
  assert.equal(result.status, 'incomplete');
  assert.match(result.reason!, /interrupted \(SIGINT\)/);
  const [entry] = result.cases;
  assert.equal(entry?.status, 'incomplete');
  assert.ok((entry?.summary?.opSeconds?.count ?? 0) >= 2, 'completed operations are kept');
  assert.ok((entry?.summary?.opSeconds?.count ?? 0) < 20);
  const written = await readResultFile(join(outDir, 'result.json'));
  assert.equal(written.status, 'incomplete');
  assert.ok(existsSync(join(outDir, 'report.html')));
  assert.equal(existsSync(join(outDir, 'work')), false, 'broker data is removed');
});

test('result.json honours the contract and carries what is needed to rerun', async (t) => {
  const { outDir } = await tinyRun(t);
  const raw = JSON.parse(await readFile(join(outDir, 'result.json'), 'utf8'));
  assert.equal(resultFileSchema.safeParse(raw).success, true);
  assert.equal(raw.schemaVersion, 1);
  assert.equal(raw.status, 'passed');
  const { manifest } = raw;
  assert.match(manifest.tool.gitSha, /^([0-9a-f]{40}|unknown)$/);
  assert.match(manifest.scenario.sha256, /^[0-9a-f]{64}$/);
  assert.match(manifest.scenario.text, /name: tiny/);
  assert.match(manifest.configHash, /^[0-9a-f]{64}$/);
  assert.ok(manifest.machine.cores > 0 && manifest.machine.memoryBytes > 0);
  assert.equal(manifest.seed, 7);
  assert.equal(manifest.command, 'npx mqbench run tiny.yaml');
  assert.equal(manifest.targets['rocksmq-sync'].driver.durability.fsync, 'every write batch');
  for (const entry of raw.cases) {
    const { summary } = entry;
    assert.equal(entry.status, 'passed');
    for (const key of ['p50', 'p90', 'p99', 'p999', 'max', 'count']) {
      assert.equal(typeof summary.publishLatencyMs[key], 'number');
      assert.equal(typeof summary.e2eLatencyMs[key], 'number');
    }
    assert.ok(summary.opSeconds.mean > 0 && summary.opSeconds.p50 > 0 && summary.opSeconds.p99 >= summary.opSeconds.p50);
    assert.ok(summary.throughput.messagesPerSec > 0 && summary.throughput.megabytesPerSec > 0);
    assert.equal(summary.cpuSeconds.broker, null, 'embedded: broker CPU is inside the client figure');
    assert.ok(summary.cpuSeconds.client > 0);
    assert.ok(summary.peakRssBytes.client > 0);
    assert.ok((summary.storageBytes ?? 0) > 0);
    assert.deepEqual(Object.keys(summary.delivery).sort(), ['acknowledged', 'corrupt', 'delivered', 'duplicated', 'lost', 'outOfOrder', 'published']);
    const [trial] = entry.trials;
    assert.equal(typeof trial.measured.histograms.e2eLatencyUs, 'string');
    assert.ok(trial.measured.series.deliveredMessages.length > 0);
    assert.ok(trial.resources.series.t.length > 0);
  }
});

test('a relative output directory reaches brokers and workers as an absolute path (bin/pulsar changes directory)', async (t) => {
  const worker = new RecordingWorker();
  const absolute = await tempDir(t, 'mqbench-relative-');
  const relativeOut = relative(process.cwd(), join(absolute, 'out'));
  assert.ok(!isAbsolute(relativeOut));
  const loaded = parseScenario(twoTargets(1), 'order.yaml', { env: {} });
  await runScenario(loaded, { outDir: relativeOut, command: 'test', worker });
  assert.ok(worker.commands.length > 0);
  for (const command of worker.commands) assert.ok(isAbsolute(command.scratchDir), command.scratchDir);
});

test("an errored trial whose broker's death is noticed a moment later names the broker, not only the symptom", async (t) => {
  const erroring: Worker = {
    async runTrial(command) {
      const now = new Date().toISOString();
      return { number: command.trialNumber, status: 'errored', error: 'connection reset', failures: [], startedAt: now, endedAt: now };
    },
  };
  const { result } = await tinyRun(
    t,
    `
name: late-death
targets: [{ name: a, type: fake, settings: { deathNoticedAfterMs: 500 } }]
workload: { type: pubsub, operations: 1, messages: 20 }
`,
    { worker: erroring },
  );
  assert.equal(result.cases[0]?.status, 'errored');
  assert.equal(result.cases[0]?.trials[0]?.error, 'connection reset (fake broker killed by SIGKILL during the run)');
});

test("another target's busy broker: the trial waits for it, bounded, and records its CPU; the table warns; quiet ones pass unremarked", async (t) => {
  // Each trial "measures" for 2 s; the two fakes each run a broker process of their own, one spinning.
  const sleeping: Worker = {
    async runTrial(command) {
      const startedAt = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return { number: command.trialNumber, status: 'passed', failures: [], startedAt, endedAt: new Date().toISOString() };
    },
  };
  const { result, outDir } = await tinyRun(
    t,
    `
name: neighbours
trials: 2
targets:
  - { name: busy, type: fake, settings: { brokerProcess: busy } }
  - { name: calm, type: fake, settings: { brokerProcess: idle } }
workload: { type: pubsub, operations: 1, messages: 20 }
neighbours: { quietBelow: 0.2, wait: 1s }
`,
    { worker: sleeping },
  );
  const [busy, calm] = result.cases;
  // Brokers start when their target is first needed: busy's first trial had no neighbour yet.
  assert.equal(busy!.trials[0]!.neighbours, undefined);
  const quiet = busy!.trials[1]!.neighbours!;
  assert.deepEqual({ quiet: quiet.quiet, waitedMs: quiet.waitedMs, quietBelow: quiet.quietBelow }, { quiet: true, waitedMs: 0, quietBelow: 0.2 });
  assert.ok(quiet.measured[0]!.target === 'calm' && quiet.measured[0]!.cores < 0.2, JSON.stringify(quiet));
  for (const trial of calm!.trials) {
    const beside = trial.neighbours!;
    assert.equal(beside.quiet, false, JSON.stringify(beside));
    assert.ok(beside.waitedMs >= 1000, `${beside.waitedMs} ms: the wait ran out`);
    assert.equal(beside.atStart[0]!.target, 'busy');
    assert.ok(beside.measured[0]!.cores >= 0.2 && beside.measured[0]!.cpuSeconds >= 0.4, JSON.stringify(beside));
  }
  // Before each trial, the data of every broker started so far left the page cache: busy's own alone at first.
  assert.deepEqual([...busy!.trials, ...calm!.trials].map((trial) => (trial.evicted && 'files' in trial.evicted ? trial.evicted.files : -1)), [1, 2, 2, 2]);
  for (const trial of [...busy!.trials, ...calm!.trials]) {
    const host = trial.host!;
    assert.equal(host.cpus, availableParallelism());
    assert.equal(host.otherCores, undefined, 'this stand-in worker reports no resources of its own to subtract');
    // The machine's busy time includes each neighbour's (read at the same moments).
    for (const neighbour of trial.neighbours?.measured ?? []) assert.ok(host.busyCores + 0.05 >= neighbour.cores, JSON.stringify(trial));
  }
  const reread = await readResultFile(join(outDir, 'result.json'));
  const table = renderSummaryTable(reread);
  assert.match(table, /! calm .*trial 1 began beside other targets' brokers still busy after a 1 s wait \(cores: busy \d\.\d\d; quiet is below 0\.2\)/);
  assert.match(table, /! calm .*trial 2: other targets' brokers used CPU during its measured phase \(cores: busy \d\.\d\d\)/);
  assert.doesNotMatch(table, /! busy .*other targets' brokers/);
});

test('a process outside the trial busy during its measured phase: the machine\'s CPU beyond the trial is recorded and warned about', async (t) => {
  // A stand-in for anything else on the machine: a process spinning for the whole trial.
  const spinner = spawn(process.execPath, ['-e', 'const until = Date.now() + 20_000; while (Date.now() < until);'], { stdio: 'ignore' });
  t.after(() => spinner.kill('SIGKILL'));
  const { result } = await tinyRun(
    t,
    `
name: busy-machine
targets: [fake]
workload: { type: durability, payloadBytes: 256, rate: 200, duration: 3s, readIdle: 1s, sendTimeout: 2s }
warmup: { duration: 0 }
`,
  );
  const host = result.cases[0]!.trials[0]!.host!;
  assert.equal(result.cases[0]!.trials[0]!.neighbours, undefined, 'one target: no neighbours, no wait');
  assert.ok(host.otherCores !== undefined && host.otherCores >= 0.3, JSON.stringify(host));
  assert.ok(host.busyCores >= host.otherCores, JSON.stringify(host));
  assert.match(renderSummaryTable(result), /! fake .*trial 1: during its measured phase .*other processes used \d\.\d\d cores beyond the trial's client and broker/);
});
