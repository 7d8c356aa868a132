import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { environmentTable, recordedEnvironment, withEndpointVariables } from './environment.js';
import { parseScenario } from './load.js';
import { reproduceCommand } from '../cli/commands.js';
import { reproduceOptions } from '../cli/gate-commands.js';
import type { ResultFile } from '../results/result-file.js';

test('an endpoint variable fills in what the scenario leaves unset, never what it sets; credentials in it are masked', () => {
  const env = { MQBENCH_NATS_URL: 'nats://alice:secret@h:4222' };
  assert.deepEqual(withEndpointVariables('nats', {}, env), { settings: { external: { servers: 'nats://alice:secret@h:4222' } }, applied: ['MQBENCH_NATS_URL=nats://alice:***@h:4222'] });
  assert.deepEqual(withEndpointVariables('nats', { external: { servers: 'nats://mine:4222' } }, env).applied, []);
  assert.deepEqual(withEndpointVariables('wal', { backend: 's3' }, { MQBENCH_S3_BUCKET: 'b', MQBENCH_S3_ENDPOINT: 'http://h:9000' }).settings, { backend: 's3', s3: { bucket: 'b', endpoint: 'http://h:9000' } });
});

test('the loader applies endpoint variables to external targets only, and records them with the overrides', () => {
  const env = { MQBENCH_NATS_URL: 'nats://h:4222', MQBENCH_TRIALS: '2' };
  const text = 'name: t\ntargets: [nats, { name: local-nats, type: nats, provider: local }]\nprovider: external\nworkload: { type: pubsub, payloadBytes: 1KiB, messages: 10 }\n';
  const loaded = parseScenario(text, 'scenario.yaml', { env });
  const [external, local] = loaded.targets;
  assert.deepEqual((external!.settings as { external?: { servers?: string } }).external?.servers, 'nats://h:4222');
  assert.equal((local!.settings as { external?: unknown }).external, undefined);
  assert.deepEqual(loaded.overrides, ['MQBENCH_TRIALS=2', 'MQBENCH_NATS_URL=nats://h:4222']);
  assert.equal(loaded.file.trials, 2);
});

test('reproduce sets the same variables again: the command line and the options read back from a result', () => {
  const env = { MQBENCH_NATS_URL: 'nats://h:4222', MQBENCH_SEED: '7', MQBENCH_NATS_PASSWORD: 'pw' };
  assert.equal(reproduceCommand('scenario.yaml', { env } as never), 'MQBENCH_NATS_URL=nats://h:4222 npx mqbench run scenario.yaml --set seed=7');
  const result = { manifest: { scenario: { overrides: ['MQBENCH_SEED=7', 'MQBENCH_NATS_URL=nats://h:4222'] } } } as unknown as ResultFile;
  assert.deepEqual(reproduceOptions(result).env, { MQBENCH_SEED: '7', MQBENCH_NATS_URL: 'nats://h:4222' });
});

test('the manifest records every variable of the table that is set, credentials by name only', () => {
  assert.deepEqual(recordedEnvironment({ MQBENCH_NATS_URL: 'nats://u:pw@h:4222', MQBENCH_NATS_PASSWORD: 'pw', MQBENCH_TRIALS: '3', HOME: '/root' }), {
    MQBENCH_TRIALS: '3',
    MQBENCH_NATS_URL: 'nats://u:***@h:4222',
    MQBENCH_NATS_PASSWORD: '(set; not recorded)',
  });
});

test('one table: every MQBENCH_* variable the sources read is in it, and docs/cli.md lists each', async () => {
  const names = new Set(environmentTable().map((variable) => variable.name));
  const sources = execFileSync('git', ['grep', '-h', '-o', '-E', 'MQBENCH_[A-Z0-9_]+', '--', 'src/*.ts', ':!*.test.ts', ':!src/testing/*'], { encoding: 'utf8' });
  // Prefixes in messages ("MQBENCH_KAFKA_SASL_*") are not variables.
  const read = new Set(sources.split('\n').filter((name) => name && !/_$/.test(name)));
  assert.deepEqual([...read].filter((name) => !names.has(name)).sort(), [], 'read but not in the table');
  const docs = await readFile('docs/cli.md', 'utf8');
  assert.deepEqual([...names].filter((name) => !docs.includes(`\`${name}\``)), [], 'in the table but not in docs/cli.md');
});
