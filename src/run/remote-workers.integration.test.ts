import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { processesWithEnvironment, requireInstalled } from '../testing/brokers.js';
import { tinyRun } from '../testing/tiny-run.js';
import { startTestWorker } from '../testing/workers.js';
import { sleep } from '../util/clock.js';

before(() => requireInstalled('nats'));

const TOKEN = 'test-token-for-loopback-workers';

/** Marks every process this test starts (workers and their load clients), so the leak check finds exactly them. */
function markProcesses(t: { after(fn: () => void): void }, name: string): string {
  const mark = `${name}-${process.pid}`;
  process.env.MQBENCH_TEST_MARK = mark;
  process.env.MQBENCH_WORKER_TOKEN = TOKEN;
  t.after(() => {
    delete process.env.MQBENCH_TEST_MARK;
    delete process.env.MQBENCH_WORKER_TOKEN;
  });
  return `MQBENCH_TEST_MARK=${mark}`;
}

async function settledCount(mark: string, boundMs: number): Promise<number> {
  const until = Date.now() + boundMs;
  let left = await processesWithEnvironment(mark);
  while (left.length > 0 && Date.now() < until) {
    await sleep(250);
    left = await processesWithEnvironment(mark);
  }
  return left.length;
}

interface ClientClock {
  client: string;
  offsetMs: number;
  uncertaintyMs: number;
}

/**
 * Checks that the skewed client's clock offset was measured as the skew, against the other clients started with it,
 * not against 0. A process's clock is the wall clock at its start plus its monotonic timer, so processes on one machine
 * agree only while the wall clock does not move against the timer. On a CI machine the skewed client's offset missed
 * the skew by 20 and by 100 ms while its readings before and after the trial agreed to 0.1 ms: this test's process
 * had started on a different wall clock than the clients, which the correction handles but a check against 0 does not.
 */
function assertSkewMeasured(clients: ClientClock[], skewedIndex: number, skewMs: number): void {
  const others = clients.filter((_, index) => index !== skewedIndex);
  const skewed = clients[skewedIndex]!;
  const [reference, ...rest] = others;
  const tolerance = (a: ClientClock, b: ClientClock) => a.uncertaintyMs + b.uncertaintyMs + 5;
  assert.ok(Math.abs(skewed.offsetMs - reference!.offsetMs - skewMs) <= tolerance(skewed, reference!), `the skewed client's offset against ${reference!.client}: ${JSON.stringify(clients)}`);
  for (const other of rest) assert.ok(Math.abs(other.offsetMs - reference!.offsetMs) <= tolerance(other, reference!), `unskewed clients agree: ${JSON.stringify(clients)}`);
}

test('workers: three mqbench workers on loopback run one stream trial; every message verified, histograms merged, a skewed clock measured and corrected', async (t) => {
  const mark = markProcesses(t, 'remote-workers');
  // Two seconds behind: uncorrected, a third of the latencies would be two seconds too long.
  const skewMs = -2000;
  const workers = [await startTestWorker(t), await startTestWorker(t, { MQBENCH_CLOCK_SKEW_MS: String(skewMs) }), await startTestWorker(t)];
  const { result } = await tinyRun(
    t,
    `
name: remote-workers
targets: [nats]
workers: [${workers.map((worker) => worker.url).join(', ')}]
workload: { type: stream, mode: closed-loop, producers: 3, clients: 3, inFlight: 16, payloadBytes: 2KiB, messages: 3000, toolCeiling: false }
warmup: { duration: 300ms }
`,
    { load: { provider: 'local' } },
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error ?? entry?.failures.join('; '));
  const summary = entry!.summary!;
  assert.deepEqual([summary.delivery.acknowledged, summary.delivery.delivered, summary.delivery.lost, summary.delivery.corrupt], [3000, 3000, 0, 0]);
  assert.equal(summary.publishLatencyMs.count, 3000, "the workers' publish histograms are merged");
  assert.equal(summary.e2eLatencyMs.count, 3000);
  const clocks = entry!.trials[0]!.extras!.clocks as { uncertain: boolean; tolerance: number; e2eMedianMs: number; clients: ClientClock[] };
  assert.equal(clocks.clients.length, 3);
  assert.match(clocks.clients[1]!.client, new RegExp(`load client 2 of 3 on ${workers[1]!.url}`));
  assertSkewMeasured(clocks.clients, 1, skewMs);
  assert.ok(summary.e2eLatencyMs.max < -skewMs, `e2e: ${JSON.stringify(summary.e2eLatencyMs)}`);
  const worst = Math.max(...clocks.clients.map((clock) => clock.uncertaintyMs));
  assert.equal(clocks.tolerance, 0.1);
  assert.equal(clocks.uncertain, worst > 0.1 * clocks.e2eMedianMs, `the mark follows the bound: ±${worst} ms against a ${clocks.e2eMedianMs} ms median`);
  const resources = entry!.trials[0]!.resources!;
  assert.equal(resources.remoteLoadClients, 3, "the workers' load clients measured themselves");
  assert.ok(resources.client.cpuSeconds > 0 && resources.client.peakRssBytes > 3 * 30 * 1024 * 1024, JSON.stringify(resources.client));
  // The workers stay up; their load clients are gone.
  for (const worker of workers) assert.equal(worker.child.exitCode, null, worker.stderr());
  const health = await (await fetch(`${workers[0]!.url.replace('ws://', 'http://')}/health`)).json() as { sessions: number };
  assert.equal(health.sessions, 0);
  for (const worker of workers) worker.child.kill('SIGTERM');
  assert.equal(await settledCount(mark, 15_000), 0, 'no worker or load client is left running');
});

test('workers: a worker killed mid-trial makes the case errored with the cause, and leaves nothing running', async (t) => {
  const mark = markProcesses(t, 'remote-worker-killed');
  const workers = [await startTestWorker(t), await startTestWorker(t)];
  let killed = false;
  const { result } = await tinyRun(
    t,
    `
name: remote-worker-killed
targets: [nats]
workers: [${workers.map((worker) => worker.url).join(', ')}]
workload: { type: stream, mode: open-loop, rate: 500, producers: 2, clients: 2, payloadBytes: 1KiB, duration: 20s, toolCeiling: false, timeout: 10s }
`,
    {
      load: { provider: 'local' },
      onEvent: (event) => {
        if (!killed && event.type === 'trial-progress' && event.progress.phase === 'measured' && event.progress.done >= 2) {
          killed = true;
          workers[1]!.child.kill('SIGKILL');
        }
      },
    },
  );
  assert.ok(killed, 'the worker was killed mid-trial');
  const [entry] = result.cases;
  assert.equal(entry?.status, 'errored', JSON.stringify(entry?.failures));
  assert.match(entry!.error ?? '', /load client 2 of 2 on ws:\/\/127\.0\.0\.1:\d+.*(closed the connection|exited)/s);
  workers[0]!.child.kill('SIGTERM');
  assert.equal(await settledCount(mark, 20_000), 0, 'no worker or load client is left running');
});

test('workers: uncertainClock: fail fails a trial whose clock bound is wider than the tolerance allows; mark (the default) only records it', async (t) => {
  markProcesses(t, 'remote-worker-clock');
  const worker = await startTestWorker(t);
  const { result } = await tinyRun(
    t,
    `
name: remote-worker-clock
targets: [nats]
workers: [${worker.url}]
workload: { type: stream, mode: closed-loop, inFlight: 8, payloadBytes: 1KiB, messages: 500, toolCeiling: false, clockTolerance: 0.000001 }
matrix: { axes: { uncertainClock: [mark, fail] } }
`,
    { load: { provider: 'local' } },
  );
  const [marked, failed] = result.cases;
  assert.equal(marked?.status, 'passed', marked?.error);
  assert.equal((marked!.trials[0]!.extras!.clocks as { uncertain: boolean }).uncertain, true);
  assert.equal(failed?.status, 'failed');
  assert.match(failed!.failures.join('\n'), /a load client's clock is known to ±\d+\.\d+ ms, more than 0\.000001 of the end-to-end median \(\d+\.\d+ ms\): the end-to-end figures are uncertain/);
  assert.equal(marked!.summary!.delivery.delivered, 500, 'every message is still verified');
});

test('workers: a pub/sub trial with its producer on three workers in turn (one clock skewed), the consumer here; forked clients alike', async (t) => {
  const mark = markProcesses(t, 'remote-workers-pubsub');
  const skewMs = -2000;
  const workers = [await startTestWorker(t), await startTestWorker(t, { MQBENCH_CLOCK_SKEW_MS: String(skewMs) }), await startTestWorker(t)];
  const scenario = (name: string, workersLine: string) => `
name: ${name}
targets: [nats]
${workersLine}
workload: { type: pubsub, payloadBytes: 1KiB, messages: 400, operations: 3, clients: 3 }
warmup: { operations: 1 }
`;
  const { result } = await tinyRun(t, scenario('remote-pubsub', `workers: [${workers.map((worker) => worker.url).join(', ')}]`), { load: { provider: 'local' } });
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error ?? entry?.failures.join('; '));
  assert.equal(entry!.label, '1KiB×400 in 3 clients random');
  const summary = entry!.summary!;
  assert.deepEqual([summary.delivery.acknowledged, summary.delivery.delivered, summary.delivery.lost, summary.delivery.corrupt], [1200, 1200, 0, 0]);
  assert.equal(summary.publishLatencyMs.count, 1200, "each operation's publish latencies came from its worker");
  assert.equal(summary.e2eLatencyMs.count, 1200);
  assert.equal(entry!.trials[0]!.measured!.opSeconds.length, 3);
  // Operation 2 (of 0, 1, 2) ran on the skewed worker: corrected, none of its latencies is near two seconds.
  assert.ok(summary.e2eLatencyMs.max < -skewMs, `e2e: ${JSON.stringify(summary.e2eLatencyMs)}`);
  const clocks = entry!.trials[0]!.extras!.clocks as { clients: ClientClock[] };
  assertSkewMeasured(clocks.clients, 1, skewMs);
  assert.equal(entry!.trials[0]!.resources!.remoteLoadClients, 3);
  for (const worker of workers) worker.child.kill('SIGTERM');

  const forked = await tinyRun(t, scenario('forked-pubsub', ''), { load: { provider: 'local' } });
  const [local] = forked.result.cases;
  assert.equal(local?.status, 'passed', local?.error ?? local?.failures.join('; '));
  assert.equal(local!.summary!.delivery.delivered, 1200);
  assert.equal(local!.trials[0]!.resources!.loadClients, 3, 'forked clients are sampled by pid');
  assert.equal(local!.trials[0]!.resources!.remoteLoadClients, undefined);
  assert.equal(await settledCount(mark, 15_000), 0, 'no worker or load client is left running');
});
