import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FaultHandler } from '../../faults/fault.js';
import { join } from 'node:path';
import { renderHtmlReport } from '../../report/html.js';
import { readResultFile } from '../../results/io.js';
import { LocalWorker, type Worker } from '../../run/worker.js';
import { useFakeTarget } from '../../testing/fake-target.js';
import { tinyRun } from '../../testing/tiny-run.js';
import { nowMs, sleep } from '../../util/clock.js';
import type { DurabilityExtras } from './durability.js';
import { DurabilityLedger } from './ledger.js';
import { durabilityParamsSchema } from './params.js';
import { faultWindows } from './windows.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

test('the ledger classifies every sequence: acknowledged but lost, unacknowledged but present, duplicates, order, corruption', () => {
  const ledger = new DurabilityLedger();
  for (let sequence = 0; sequence < 10; sequence++) ledger.sent(sequence);
  for (const sequence of [0, 1, 2, 3, 4, 5]) ledger.acknowledged(sequence, 1000 + sequence);
  ledger.failed(6, 'connection refused');
  ledger.timedOut(7);
  ledger.timedOut(8);
  ledger.acknowledged(8, 2000); // a late acknowledgement still counts
  // 9 stays pending. Read back: 0, 2, 1 (out of order), 2 again, 6 (failed yet present), 9, a damaged one, one never sent.
  for (const sequence of [0, 2, 1, 2, 6, 9]) ledger.read(sequence);
  ledger.corrupt();
  ledger.read(12);
  assert.deepEqual(ledger.classify(), {
    sent: 10,
    acknowledged: 7,
    failed: 1,
    timedOut: 1,
    lateAcknowledged: 1,
    readBack: 5,
    acknowledgedLost: 4, // 3, 4, 5, 8
    acknowledgedDuringReadBack: 0,
    unacknowledgedPresent: 2, // 6, 9
    duplicated: 1,
    outOfOrder: 1,
    corrupt: 1,
    unknown: 1,
  });
  assert.deepEqual([...ledger.failureReasons], [['connection refused', 1]]);
  assert.equal(ledger.allRead(), false);
  assert.deepEqual([...ledger.acknowledgementTimes()], [1000, 1001, 1002, 1003, 1004, 1005, 2000]);
  // Which acknowledged sequences were lost, in runs, with when they were acknowledged.
  assert.deepEqual(ledger.lostRuns(), [
    { from: 3, to: 5, firstAckMs: 1003, lastAckMs: 1005 },
    { from: 8, to: 8, firstAckMs: 2000, lastAckMs: 2000 },
  ]);
  // Acknowledged once the read-back had begun, and not read: unverifiable, not lost.
  ledger.readBackBegan(1500);
  assert.deepEqual([ledger.classify().acknowledgedLost, ledger.classify().acknowledgedDuringReadBack], [3, 1]);
  assert.deepEqual(ledger.lostRuns(), [{ from: 3, to: 5, firstAckMs: 1003, lastAckMs: 1005 }]);
});

test('fault windows: the longest gap without an acknowledgement over the fault, and the rates before, during and after it', () => {
  // Acknowledgements every 10 ms from 0 to 1000, none from 1000 to 1600 (the fault: 1000 → ready at 1500), then every 10 ms again.
  const times = Float64Array.from([...Array.from({ length: 101 }, (_, i) => i * 10), ...Array.from({ length: 40 }, (_, i) => 1600 + i * 10)]);
  const [window] = faultWindows(times, [{ startedMs: 1005, readyMs: 1500 }], 0, 2000);
  assert.equal(window!.unavailableMs, 600);
  assert.equal(window!.firstAckAfterReadyMs, 100);
  assert.ok(Math.abs(window!.throughput.before - 100) < 1, `before ${window!.throughput.before}`);
  assert.equal(window!.throughput.during, 0);
  assert.ok(Math.abs(window!.throughput.after - 80) < 1, `after ${window!.throughput.after}`);
  // Nothing acknowledged after the fault: the gap runs to the end of the writes.
  const [dead] = faultWindows(Float64Array.from([0, 10, 20]), [{ startedMs: 25, readyMs: 100 }], 0, 1000);
  assert.equal(dead!.unavailableMs, 980);
  assert.equal(dead!.firstAckAfterReadyMs, null);
});

test('durability parameters: faults must fall within the writes, in order, without overlapping', () => {
  const parse = (faults: unknown[]) => durabilityParamsSchema.safeParse({ type: 'durability', duration: '20s', faults });
  assert.equal(parse([{ at: '5s', kind: 'kill' }, { at: '10s', kind: 'pause', for: '2s' }]).success, true);
  const late = parse([{ at: '25s', kind: 'kill' }]);
  assert.equal(late.success, false);
  assert.match(JSON.stringify(late.error?.issues), /not within the writes/);
  const overlapping = parse([{ at: '5s', kind: 'pause', for: '5s' }, { at: '8s', kind: 'kill' }]);
  assert.match(JSON.stringify(overlapping.error?.issues), /in time order and not overlap/);
  assert.equal(parse([{ at: '5s', kind: 'unplug' }]).success, false);
});

const scenario = (settings: string, faults = '[]') => `
name: durability
targets: [{ name: fake, type: fake, settings: ${settings} }]
workload: { type: durability, payloadBytes: 256, rate: 400, duration: 1s, readIdle: 1s, sendTimeout: 2s, faults: ${faults} }
warmup: { duration: 0 }
`;

const extrasOf = (result: Awaited<ReturnType<typeof tinyRun>>['result']) => result.cases[0]!.trials[0]!.extras?.durability as DurabilityExtras;

test('a target that drops every 10th acknowledged message: exactly those are counted lost; a failure only where it promised fsync', async (t) => {
  const { result: unsynced, outDir } = await tinyRun(t, scenario('{ dropEvery: 10 }'));
  const extras = extrasOf(unsynced);
  assert.equal(extras.sent, 400);
  assert.equal(extras.acknowledged, 400);
  assert.equal(extras.acknowledgedLost, 40);
  assert.equal(extras.readBack, 360);
  assert.equal(extras.readBackEndedIdle, true, 'the lost ones never come, so the read-back ends when nothing more arrives');
  assert.deepEqual(extras.lostRuns.slice(0, 3).map(({ from, to }) => [from, to]), [[9, 9], [19, 19], [29, 29]]);
  assert.equal(extras.brokerCount, undefined, 'the fake has no count of its own');
  assert.equal(unsynced.cases[0]!.status, 'passed', 'under default durability the loss is a measured property');
  assert.equal(unsynced.cases[0]!.summary!.delivery.lost, 40);

  // The section survives the result file's schema, and the report shows it.
  const reread = await readResultFile(join(outDir, 'result.json'));
  assert.equal(reread.cases[0]!.summary!.durability?.acknowledgedLost, 40);
  const html = renderHtmlReport([reread]);
  assert.match(html, /<section id="durability">/);
  assert.match(html, /<td>400<\/td><td>400<\/td><td>0<\/td><td><strong>40<\/strong><\/td>/);

  const { result: promised } = await tinyRun(t, scenario('{ dropEvery: 10, fsyncBeforeAck: true }'));
  assert.equal(promised.cases[0]!.status, 'failed');
  assert.match(promised.cases[0]!.failures.join(), /40 of 400 acknowledged messages lost, though the target fsyncs before acknowledging/);

  const { result: clean } = await tinyRun(t, scenario('{ fsyncBeforeAck: true }'));
  assert.equal(extrasOf(clean).acknowledgedLost, 0);
  assert.equal(extrasOf(clean).readBackEndedIdle, false, 'everything read: no idle wait');
  assert.equal(clean.cases[0]!.status, 'passed');
});

test('a fault the target cannot take errors the case with the reason', async (t) => {
  const { result } = await tinyRun(t, scenario('{}', '[{ at: 200ms, kind: kill }]'));
  assert.equal(result.cases[0]!.status, 'errored');
  assert.match(result.cases[0]!.error ?? '', /runs inside the trial's own process, so there is no broker process to kill: set its settings.process to own/);
});

/** A worker whose coordinator applies each fault by "restarting" the fake in `restartMs`; `asked` records the requests. */
function restartingWorker(restartMs: number, asked: string[] = []): Worker {
  const handler: FaultHandler = async (request) => {
    asked.push(`${request.kind} ${request.forMs}`);
    const startedMs = nowMs();
    await sleep(restartMs);
    return { kind: request.kind, subject: 'fake (pid 1)', startedMs, readyMs: nowMs(), restartMs };
  };
  const local = new LocalWorker();
  return { runTrial: (command, progress, signal) => local.runTrial(command, progress, signal, handler) };
}

test('a fault is applied through the coordinator, timed, and the writer reconnects after it', async (t) => {
  const asked: string[] = [];
  const worker = restartingWorker(150, asked);
  const { result } = await tinyRun(t, scenario('{}', '[{ at: 300ms, kind: kill, for: 0 }]'), { worker });
  assert.deepEqual(asked, ['kill 0']);
  const extras = extrasOf(result);
  const [fault] = extras.faults;
  assert.ok(fault, 'the fault is recorded');
  assert.equal(fault.outcome.restartMs, 150);
  assert.ok(fault.window.throughput.before > 0 && fault.window.throughput.after > 0, JSON.stringify(fault.window));
  assert.equal(extras.acknowledgedLost, 0);
  assert.equal(extras.sent, 400);
  // The sends due while the writer reconnected failed fast and were counted, never dropped silently.
  assert.equal(extras.acknowledged + extras.failed + extras.timedOut, 400);
  assert.equal(result.cases[0]!.summary!.durability!.faults[0]!.restartMs, 150);
  assert.equal(fault.reconnect?.attempts, 1);
  assert.deepEqual(fault.reconnect?.errors, {});
});

test('a target slow to take a producer again: the writer retries, and the fault records each attempt and why it failed', async (t) => {
  const { result, outDir } = await tinyRun(t, scenario('{ refuseProducers: 2 }', '[{ at: 300ms, kind: kill, for: 0 }]'), { worker: restartingWorker(100) });
  const [fault] = extrasOf(result).faults;
  assert.equal(fault?.reconnect?.attempts, 3, JSON.stringify(fault));
  assert.deepEqual(fault.reconnect.errors, { 'injected: the topic is not ready yet': 2 });
  // Two refusals, each followed by the retry pause: the producer came at least a second after the target was ready.
  assert.ok(fault.reconnect.afterReadyMs !== null && fault.reconnect.afterReadyMs >= 1000, JSON.stringify(fault.reconnect));
  const reread = await readResultFile(join(outDir, 'result.json'));
  assert.equal(reread.cases[0]!.summary!.durability!.faults[0]!.reconnectedAfterReadyMs, fault.reconnect.afterReadyMs);
  assert.match(renderHtmlReport([reread]), /<th>reconnected<\/th>/);
});

test('a restart that ends after `duration`: the writes go on until the target acknowledges again (bounded by recoveryWait)', async (t) => {
  // The fault begins at 300 ms and the target is ready again at ~1.5 s, after the 1 s of writes.
  const worker = restartingWorker(1200);
  const { result } = await tinyRun(t, scenario('{}', '[{ at: 300ms, kind: kill, for: 0 }]'), { worker });
  const extended = extrasOf(result);
  assert.ok(extended.faults[0]!.window.firstAckAfterReadyMs !== null, JSON.stringify(extended.faults[0]));
  assert.ok(extended.extendedMs >= 1400, `${extended.extendedMs} ms past the duration: the restart (~500 ms) and one second after it`);
  assert.ok(extended.sent > 400, `${extended.sent} sent`);
  assert.ok(extended.faults[0]!.window.throughput.after > 0);

  const { result: fixed } = await tinyRun(t, scenario('{}', '[{ at: 300ms, kind: kill, for: 0 }]').replace('duration: 1s', 'duration: 1s, recoveryWait: 0'), { worker });
  const ended = extrasOf(fixed);
  assert.equal(ended.extendedMs, 0);
  assert.equal(ended.sent, 400);
  assert.equal(ended.faults[0]!.window.firstAckAfterReadyMs, null, 'the writes ended before the target was ready again');
});

test('an interrupted durability trial keeps what it measured and calls nothing lost: what was not read back is unverified', async (t) => {
  const controller = new AbortController();
  setTimeout(() => controller.abort('test interrupt'), 400);
  const { result } = await tinyRun(t, scenario('{ dropEvery: 10 }').replace('duration: 1s', 'duration: 5s'), { signal: controller.signal });
  const entry = result.cases[0]!;
  assert.equal(entry.status, 'incomplete');
  const extras = extrasOf(result);
  assert.ok(extras.sent > 0 && extras.sent < 2000, `${extras.sent} sent before the interrupt`);
  assert.equal(extras.acknowledgedLost, 0);
  assert.ok((extras.notVerified ?? 0) > 0, JSON.stringify(extras));
  assert.equal(entry.trials[0]!.measured?.delivery.lost, 0);
});

test("a read-back whose first message waits past readIdle (a group join on a recovering broker) waits up to readIdle plus recoveryWait for it, and loses nothing", async (t) => {
  const slowJoin = scenario('{ consumerJoinMs: 1500 }').replace('readIdle: 1s', 'readIdle: 1s, recoveryWait: 2s');
  const { result } = await tinyRun(t, slowJoin);
  const extras = extrasOf(result);
  assert.ok(extras.acknowledged > 300, `${extras.acknowledged} acknowledged`);
  assert.equal(extras.readBack, extras.sent, `every message read back: ${JSON.stringify(extras)}`);
  assert.equal(extras.acknowledgedLost, 0);
  assert.equal(extras.readBackEndedIdle, false);
  // Past readIdle plus recoveryWait the read-back still ends: then what it did not read counts lost.
  const { result: tooSlow } = await tinyRun(t, scenario('{ consumerJoinMs: 4000 }').replace('readIdle: 1s', 'readIdle: 1s, recoveryWait: 1s'));
  assert.ok(extrasOf(tooSlow).acknowledged > 300);
  assert.equal(extrasOf(tooSlow).acknowledgedLost, extrasOf(tooSlow).acknowledged);
  assert.equal(extrasOf(tooSlow).readBackEndedIdle, true);
});

test('a client still retrying sends the writer gave up on (librdkafka after a restart): its producer is flushed before the read-back, so they are read, not lost', async (t) => {
  // Each send is held 5 s: all time out (sendTimeout 2 s), and would land after a read-back that began once they had.
  const { result } = await tinyRun(t, scenario('{ holdSendsMs: 5000, fsyncBeforeAck: true }'));
  const extras = extrasOf(result);
  assert.equal(extras.sent, 400);
  assert.equal(extras.lateAcknowledged, 400, JSON.stringify(extras));
  assert.equal(extras.readBack, 400);
  assert.equal(extras.acknowledgedLost, 0);
  assert.equal(extras.notVerified, undefined);
  assert.equal(result.cases[0]!.status, 'passed', result.cases[0]!.failures.join());
});
