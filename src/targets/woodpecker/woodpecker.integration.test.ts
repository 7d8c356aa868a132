import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, test } from 'node:test';
import { VERSIONS } from '../../install/versions.js';
import { assertVerifiedCase, brokerScenario, caseOf, processesMentioning, requireInstalled, runAndKillBroker } from '../../testing/brokers.js';
import { tinyRun } from '../../testing/tiny-run.js';

before(() => requireInstalled('woodpecker'));

test("the helper links the Woodpecker version mqbench records (tools/woodpecker-helper/go.mod)", async () => {
  const goMod = await readFile('tools/woodpecker-helper/go.mod', 'utf8');
  assert.match(goMod, new RegExp(`github\\.com/zilliztech/woodpecker ${VERSIONS.woodpecker.replaceAll('.', '\\.')}\\b`));
});

test('woodpecker (the real one, local disk and MinIO): pub/sub at 1 KiB and 1 MiB with every message verified; settings in force recorded', { timeout: 600_000 }, async (t) => {
  const scenario = brokerScenario(
    '  - woodpecker\n  - { name: woodpecker-minio, type: woodpecker, settings: { storage: minio } }',
    '    - { payloadBytes: 1KiB, messages: 100 }\n    - { payloadBytes: 1MiB, messages: 10 }',
  );
  const { result, outDir } = await tinyRun(t, scenario, { load: { provider: 'local' } });
  for (const target of ['woodpecker', 'woodpecker-minio']) {
    assertVerifiedCase(caseOf(result, target, '1KiB×100 random'), 300);
    assertVerifiedCase(caseOf(result, target, '1MiB×10 random'), 30);
  }
  const local = result.manifest.targets.woodpecker!;
  const minio = result.manifest.targets['woodpecker-minio']!;
  assert.equal(local.driver?.broker.version, VERSIONS.woodpecker);
  assert.match(local.driver!.broker.name, /local storage/);
  assert.match(minio.driver!.broker.name, /minio storage/);
  assert.equal(local.driver?.durability.fsyncBeforeAck, true);
  // What Woodpecker reports it has in force (its configuration as the helper loaded it), not only what mqbench wrote.
  assert.equal(local.driver?.settings.syncInterval, '200ms');
  assert.equal(local.driver?.settings.localSyncInterval, '10ms');
  assert.equal(local.driver?.settings.maxFlushSize, 2_000_000);
  assert.deepEqual(await processesMentioning(outDir), [], 'the helpers (and MinIO) are stopped');
});

test("woodpecker: a closed-loop stream with 16 appends in flight, read back after, loses nothing; Woodpecker's own writer in the helper gives the client's ratio", { timeout: 300_000 }, async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: woodpecker-stream
targets: [woodpecker]
workload: { type: stream, mode: closed-loop, inFlight: 16, payloadBytes: 4KiB, messages: 2000, consumer: after }
warmup: { duration: 300ms }
sampling: { interval: 100ms }
`,
    { load: { provider: 'local' } },
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error ?? entry?.failures.join('; '));
  const { delivery } = entry!.summary!;
  assert.deepEqual([delivery.acknowledged, delivery.delivered, delivery.lost, delivery.corrupt], [2000, 2000, 0, 0]);
  const tool = entry!.trials[0]!.toolCeiling;
  assert.match(String(tool?.tool), /writer in the helper process/);
  assert.equal(tool?.messages, 2000);
  assert.ok((entry!.summary!.clientEfficiency ?? 0) > 0, 'mqbench\'s write rate is given as a ratio to it');
  assert.ok((entry!.summary!.ceiling?.megabytesPerSec ?? 0) > 0, 'and the backend ceiling is probed as for the WAL');
});

test('woodpecker killed mid-run: errored with the cause, partial result kept, nothing left running', { timeout: 300_000 }, async (t) => {
  const scenario = brokerScenario('  - woodpecker', '    - { payloadBytes: 64KiB, messages: 50 }').replace('operations: 2', 'operations: 20');
  // Past the second operation's end (an operation ends after its producer closes, which Woodpecker's local storage holds for 5 s).
  const { result, outDir } = await runAndKillBroker(t, scenario, 120);
  const [entry] = result.cases;
  assert.equal(entry?.status, 'errored');
  assert.match(entry!.error!, /woodpecker-helper killed by SIGKILL during the run/);
  assert.ok((entry?.summary?.opSeconds?.count ?? 0) >= 2);
  assert.deepEqual(await processesMentioning(outDir), []);
});

test("woodpecker (local disk and MinIO): a trial's log, and the helper's own bench log, are removed after it, so the next trial starts from the same storage", { timeout: 600_000 }, async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: woodpecker-delete
trials: 2
targets:
  - woodpecker
  - { name: woodpecker-minio, type: woodpecker, settings: { storage: minio } }
workload: { type: stream, mode: closed-loop, inFlight: 4, payloadBytes: 1MiB, messages: 48, consumer: after, payload: random }
warmup: { duration: 0s }
`,
    { load: { provider: 'local' } },
  );
  const MiB = 1024 * 1024;
  for (const entry of result.cases) {
    assert.equal(entry.status, 'passed', entry.error ?? entry.failures.join('; '));
    const [first, second] = entry.trials.map((trial) => trial.storage!);
    assert.ok(first!.after.bytes - first!.before.bytes >= 40 * MiB, `${entry.target}: the first trial wrote its 48 MiB (${first!.after.bytes - first!.before.bytes} bytes)`);
    // Woodpecker cannot delete a log: without the helper's removal the second trial would start 96 MiB higher (the
    // trial's log and the bench's, which runs after the storage reading); on MinIO a plain delete would move the
    // objects to MinIO's trash in the same folder.
    assert.ok(second!.before.bytes < first!.after.bytes - 40 * MiB, `${entry.target}: the second trial starts below the first one's end (${second!.before.bytes} against ${first!.after.bytes})`);
  }
});
