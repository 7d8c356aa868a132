import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertVerifiedCase, brokerScenario, caseOf, processesMentioning, requireInstalled } from '../../testing/brokers.js';
import { tinyRun } from '../../testing/tiny-run.js';

test('wal on local disk (embedded): pub/sub with 1 KiB and 5 MiB payloads passes full verification', async (t) => {
  const scenario = brokerScenario(
    '  - { name: wal-local, type: wal, settings: { backend: local, flushInterval: 2ms } }',
    '    - { payloadBytes: 1KiB, messages: 200 }\n    - { payloadBytes: 5MiB, messages: 8 }',
  );
  const { result } = await tinyRun(t, scenario);
  const entry = caseOf(result, 'wal-local', '1KiB×200 random');
  assert.equal(entry?.status, 'passed', entry?.error);
  assert.equal(entry?.summary?.resourceScope, 'shared');
  assert.deepEqual(entry?.summary?.delivery.lost, 0);
  assert.equal(caseOf(result, 'wal-local', '5MiB×8 random')?.status, 'passed');
  assert.match(String(result.manifest.targets['wal-local']?.driver?.durability.acknowledgedWhen), /fdatasynced/);
  assert.equal(result.manifest.targets['wal-local']?.driver?.settings.blockChecksum, 'CRC-32 by @node-rs/crc32');
});

test('wal on MinIO (local provider): pub/sub and a closed-loop stream, with the backend ceiling measured', async (t) => {
  await requireInstalled('wal');
  const scenario = `
name: wal-s3
targets:
  - { name: wal-s3, type: wal, settings: { backend: s3, flushInterval: 5ms, ceilingSeconds: 1 } }
workload: { type: pubsub, operations: 2, timeout: 30s }
warmup: { operations: 1 }
sampling: { interval: 100ms }
matrix:
  include:
    - { payloadBytes: 1KiB, messages: 200 }
    - { payloadBytes: 5MiB, messages: 8 }
`;
  const { result, outDir } = await tinyRun(t, scenario, { load: { provider: 'local' } });
  assertVerifiedCase(caseOf(result, 'wal-s3', '1KiB×200 random'), 600);
  assertVerifiedCase(caseOf(result, 'wal-s3', '5MiB×8 random'), 24);
  assert.match(String(result.manifest.targets['wal-s3']?.driver?.durability.store), /^s3:\/\/mqbench\//);
  assert.deepEqual(await processesMentioning(outDir), [], 'MinIO is stopped');

  const stream = `
name: wal-stream
targets:
  - { name: wal-s3, type: wal, settings: { backend: s3, ceilingSeconds: 1 } }
workload: { type: stream, payloadBytes: 256KiB, mode: closed-loop, inFlight: 64, messages: 400 }
warmup: { duration: 300ms }
`;
  const streamed = await tinyRun(t, stream, { load: { provider: 'local' } });
  const [entry] = streamed.result.cases;
  assert.equal(entry?.status, 'passed', entry?.error);
  assert.equal(entry?.summary?.delivery.lost, 0);
  assert.ok((entry?.summary?.ceiling?.megabytesPerSec ?? 0) > 0, 'the raw PUT ceiling was measured');
  assert.match(entry!.summary!.ceiling!.method, /parallel PUTs/);
  assert.ok((entry?.summary?.ratioToCeiling ?? 0) > 0);
});

test('a MinIO that cannot start gives a clear error', async (t) => {
  const previous = process.env.MQBENCH_MINIO;
  process.env.MQBENCH_MINIO = '/nonexistent/minio';
  t.after(() => (previous === undefined ? delete process.env.MQBENCH_MINIO : (process.env.MQBENCH_MINIO = previous)));
  const { result } = await tinyRun(t, brokerScenario('  - { name: wal-s3, type: wal, settings: { backend: s3 } }', '    - { payloadBytes: 1KiB, messages: 10 }'), {
    load: { provider: 'local' },
  });
  assert.equal(result.cases[0]?.status, 'errored');
  assert.match(result.cases[0]!.error!, /wal-s3 could not be started: backend s3 on a local MinIO: no minio at \/nonexistent\/minio; fix: point MQBENCH_MINIO/);
});
