import assert from 'node:assert/strict';
import { before, test, type TestContext } from 'node:test';
import type { ResultFile } from '../../results/result-file.js';
import { lazyFsUnavailable, isMounted } from '../../provision/lazy-fs.js';
import { processesMentioning, requireInstalled } from '../../testing/brokers.js';
import { tinyRun } from '../../testing/tiny-run.js';
import type { DurabilityExtras } from './durability.js';

before(async () => {
  for (const type of ['nats', 'kafka', 'pulsar', 'woodpecker', 'wal']) await requireInstalled(type);
  assert.equal(lazyFsUnavailable(), undefined);
});

/** A durability scenario on `targets` (YAML list items) with the local provider. */
const scenario = (targets: string, workload: string) => `
name: durability-integration
targets:
${targets}
workload: { type: durability, payloadBytes: 1KiB, rate: 300, sendTimeout: 3s, readIdle: 3s, ${workload} }
warmup: { duration: 0 }
sampling: { interval: 200ms }
`;

function extrasOf(result: ResultFile, target: string): DurabilityExtras {
  const entry = result.cases.find((candidate) => candidate.target === target);
  assert.ok(entry, `case of ${target}`);
  const extras = entry.trials[0]?.extras?.durability as DurabilityExtras | undefined;
  assert.ok(extras, `${target}: ${entry.status} ${entry.error ?? ''}`);
  return extras;
}

/** Every fault ran (none errored), the target was ready again, and (`recovers`) acknowledged writes after the last one. */
function assertFaultsRan(extras: DurabilityExtras, kinds: string[], recovers = true): void {
  assert.deepEqual(extras.faults.map((fault) => fault.kind), kinds);
  for (const fault of extras.faults) {
    assert.ok(fault.outcome.readyMs >= fault.outcome.startedMs);
    if (fault.kind !== 'pause') assert.ok(fault.outcome.restartMs > 0, `${fault.kind}: restart timed`);
  }
  const last = extras.faults.at(-1)!;
  if (!recovers) return;
  assert.ok(last.window.firstAckAfterReadyMs !== null, `acknowledged again after the last fault: ${JSON.stringify(last)}; send errors ${JSON.stringify(extras.sendErrors)}`);
}

/** Nothing the run started outlives it: no broker or lazyfs process, no mount. */
async function assertNothingLeft(outDir: string, target: string): Promise<void> {
  assert.deepEqual(await processesMentioning(outDir), []);
  assert.equal(await isMounted(`${outDir}/work/${target}`), false);
}

test('nats under kill, pause and power loss: sync "always" keeps every acknowledged message; the 2-minute default loses them to the power loss', async (t) => {
  const { result, outDir } = await tinyRun(
    t,
    scenario(
      '  - { name: nats, type: nats }\n  - { name: nats-fsync, type: nats, settings: { durability: fsync } }',
      // Unsynced, the power loss may take the stream: then nothing is acknowledged again, and the writes end 5 s later.
      'duration: 16s, recoveryWait: 5s, faults: [{ at: 3s, kind: kill }, { at: 7s, kind: pause, for: 1s }, { at: 11s, kind: power-loss }]',
    ),
    { load: { provider: 'local' } },
  );
  const synced = extrasOf(result, 'nats-fsync');
  assertFaultsRan(synced, ['kill', 'pause', 'power-loss']);
  assert.equal(synced.fsyncBeforeAck, true);
  assert.ok(synced.acknowledged > 1000, `${synced.acknowledged} acknowledged`);
  assert.equal(synced.acknowledgedLost, 0);
  assert.equal(synced.corrupt, 0);
  assert.equal(result.cases.find((entry) => entry.target === 'nats-fsync')!.status, 'passed');
  // The kill took the connection down: sends failed or timed out while the server restarted, and each was counted.
  assert.ok(synced.failed + synced.timedOut > 0, JSON.stringify(synced));
  assert.equal(synced.acknowledged + synced.failed + synced.timedOut, synced.sent);
  // The stream's own count agrees with the read-back.
  assert.ok(synced.brokerCount && 'messages' in synced.brokerCount && synced.brokerCount.agrees, JSON.stringify(synced.brokerCount));

  const unsynced = extrasOf(result, 'nats');
  // The power loss may take the stream itself (its files never synced): then no write is acknowledged after it.
  assertFaultsRan(unsynced, ['kill', 'pause', 'power-loss'], false);
  assert.equal(unsynced.fsyncBeforeAck, false);
  const powerLoss = unsynced.faults[2]!;
  assert.ok((powerLoss.outcome.dropped?.lostBytes ?? 0) > 0, 'the power loss dropped unsynced data');
  assert.ok(unsynced.acknowledgedLost > 0, `acknowledged messages lost on the power loss: ${JSON.stringify(unsynced)}`);
  assert.equal(result.cases.find((entry) => entry.target === 'nats')!.status, 'passed', 'under the default the loss is measured, not a failure');
  await assertNothingLeft(outDir, 'nats');
});

/**
 * Runs one fault on the target `name` (`settings` as YAML) and asserts it ran, every acknowledged message survived,
 * the case passed and nothing was left behind; returns the trial's extras.
 */
async function assertSurvives(t: TestContext, name: string, type: string, settings: string, workload: string, kind: string): Promise<DurabilityExtras> {
  const { result, outDir } = await tinyRun(t, scenario(`  - { name: ${name}, type: ${type}, settings: ${settings} }`, workload), { load: { provider: 'local' } });
  const extras = extrasOf(result, name);
  assertFaultsRan(extras, [kind]);
  assert.equal(extras.acknowledgedLost, 0, `acknowledged messages lost: ${JSON.stringify(extras)}`);
  assert.equal(result.cases[0]!.status, 'passed', result.cases[0]!.error ?? result.cases[0]!.failures.join('; '));
  await assertNothingLeft(outDir, name);
  return extras;
}

test('kafka with fsync: every acknowledged message survives a SIGKILL and restart, and the broker counts what was read back', async (t) => {
  // Kafka takes ~13 s to restart here, and may fence its own partitions for ~10 s more: the writes go on until it
  // acknowledges again, for up to 90 s (a loaded machine restarts it slower; the 30 s default is a user's choice).
  const extras = await assertSurvives(t, 'kafka', 'kafka', '{ durability: fsync }', 'duration: 12s, recoveryWait: 90s, faults: [{ at: 3s, kind: kill }]', 'kill');
  assert.ok(extras.extendedMs > 0, 'the restart outlasted the 12 s of writes, so the writes went on until it acknowledged again');
  assert.ok(extras.brokerCount && 'messages' in extras.brokerCount && extras.brokerCount.agrees, JSON.stringify(extras.brokerCount));
});

test('pulsar with fsync: every acknowledged message survives a SIGKILL and restart, or the writer says why Pulsar never took it back', async (t) => {
  // Pulsar takes 8–23 s to restart here (the longer under load), then recovers the topic's ledgers before it takes a
  // producer: 3.5–6.5 s after it was ready on this machine. Under a loaded full suite it twice did not within the
  // writes' bound (2026-12-02: "ManagedLedgerException: Error while recovering ledger error code: -10", then opening a
  // producer timed out, 97 s without one). That is the broker's outcome, measured: the writer must then say why.
  const { result, outDir } = await tinyRun(t, scenario('  - { name: pulsar, type: pulsar, settings: { durability: fsync } }', 'duration: 10s, recoveryWait: 90s, faults: [{ at: 3s, kind: kill }]'), { load: { provider: 'local' } });
  const extras = extrasOf(result, 'pulsar');
  assertFaultsRan(extras, ['kill'], false);
  const [fault] = extras.faults;
  const reconnect = fault!.reconnect;
  assert.ok(reconnect && reconnect.attempts >= 1, JSON.stringify(fault));
  await assertNothingLeft(outDir, 'pulsar');
  if (reconnect.afterReadyMs === null) {
    assert.ok(Object.keys(reconnect.errors).length > 0, `no producer again, and no reason recorded: ${JSON.stringify(reconnect)}`);
    assert.ok(fault!.window.unavailableMs >= 60_000, JSON.stringify(fault!.window));
    t.diagnostic(`pulsar took no producer again within 90 s of writes: ${JSON.stringify(reconnect.errors)}`);
    return;
  }
  assert.ok(fault!.window.firstAckAfterReadyMs !== null, JSON.stringify(fault));
  assert.equal(extras.acknowledgedLost, 0);
  assert.equal(result.cases[0]!.status, 'passed', result.cases[0]!.error ?? result.cases[0]!.failures.join('; '));
});

test('woodpecker: every acknowledged entry survives a SIGKILL of the helper and its restart', async (t) => {
  await assertSurvives(t, 'woodpecker', 'woodpecker', '{}', 'duration: 16s, faults: [{ at: 3s, kind: kill }]', 'kill');
});

test('the WAL on MinIO: MinIO killed under the writer and restarted, a new writer fences the old one, nothing acknowledged is lost', async (t) => {
  await assertSurvives(t, 'wal', 'wal', '{ backend: s3 }', 'duration: 10s, faults: [{ at: 3s, kind: backend-kill, for: 1s }]', 'backend-kill');
});

test('embedded engines in a process of their own: rocksmq with sync and the WAL on local disk keep every acknowledged message through a kill and a power loss; unsynced rocksmq loses them', async (t) => {
  const { result, outDir } = await tinyRun(
    t,
    scenario(
      '  - { name: rocksmq, type: rocksmq, settings: { process: own } }\n  - { name: rocksmq-sync, type: rocksmq, settings: { process: own, sync: true } }\n  - { name: wal, type: wal, settings: { backend: local, process: own } }',
      'duration: 12s, faults: [{ at: 3s, kind: kill }, { at: 7s, kind: power-loss }]',
    ),
    { load: { provider: 'local' } },
  );
  for (const target of ['rocksmq-sync', 'wal']) {
    const extras = extrasOf(result, target);
    assertFaultsRan(extras, ['kill', 'power-loss']);
    assert.equal(extras.fsyncBeforeAck, true);
    assert.equal(extras.acknowledgedLost, 0, target);
    assert.equal(result.cases.find((entry) => entry.target === target)!.status, 'passed');
  }
  const unsynced = extrasOf(result, 'rocksmq');
  assertFaultsRan(unsynced, ['kill', 'power-loss'], false);
  assert.ok(unsynced.acknowledgedLost > 0, `LevelDB's unsynced log is lost with the power: ${JSON.stringify(unsynced)}`);
  await assertNothingLeft(outDir, 'rocksmq');
});

test("a fault the target cannot take errors the case with the reason: rocksmq inside the trial's process has nothing of its own to kill", async (t) => {
  const { result } = await tinyRun(t, scenario('  - rocksmq', 'duration: 3s, faults: [{ at: 1s, kind: kill }]'), { load: { provider: 'local' } });
  assert.equal(result.cases[0]!.status, 'errored');
  assert.match(result.cases[0]!.error ?? '', /rocksmq's engine runs inside the trial's own process.*set its settings\.process to own/);
});
