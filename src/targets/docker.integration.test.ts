/**
 * The docker provider for real: a Docker engine of the test's own on a private socket (never the default one, so
 * `--provider auto` keeps choosing what it chooses for everyone else on the machine), mqbench's stand-in images built
 * in it, brokers started in containers on the host's network, and nothing left behind however the run ends.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildStandIns } from './stand-ins.js';
import { assertVerifiedCase, brokerScenario, caseOf, requireInstalled } from '../testing/brokers.js';
import { runCli } from '../testing/cli.js';
import { tempDir } from '../testing/temp-dir.js';
import { tinyRun } from '../testing/tiny-run.js';
import { waitUntil } from '../provision/readiness.js';
import { dockerRequest, listContainers, removeContainer } from '../util/docker-api.js';
import { dockerdPath, startPrivateDockerEngine, type PrivateDockerEngine } from '../provision/private-docker-engine.js';

let engine: PrivateDockerEngine;
let engineDir: string;

before(async () => {
  assert.ok(dockerdPath(), 'dockerd is not installed: npm run setup installs Debian\'s docker.io');
  await requireInstalled('nats');
  await requireInstalled('wal');
  await requireInstalled('kafka');
  await requireInstalled('pulsar');
  // A short path: the engine's unix socket must fit in 107 bytes.
  engineDir = await mkdtemp(join(tmpdir(), 'mqd-'));
  engine = await startPrivateDockerEngine(engineDir);
  process.env.DOCKER_HOST = engine.host;
  // The JVM stand-ins need mqbench's Debian base first: debootstrap from Debian's mirror, about a minute and a half.
  await buildStandIns(['nats', 'minio', 'kafka', 'pulsar']);
});

after(async () => {
  await engine?.stop();
  delete process.env.DOCKER_HOST;
  // The engine's state: nothing of it is mounted any more once it stopped, so it can be removed.
  if (engineDir) await rm(engineDir, { recursive: true, force: true });
});

/** Containers the private engine has, running or not. */
const containers = () => listContainers(engine.host);

/** Volumes the private engine has. */
async function volumes(): Promise<string[]> {
  const answer = await dockerRequest(engine.host, 'GET', '/volumes');
  return ((answer.body as { Volumes?: Array<{ Name: string }> | null }).Volumes ?? []).map((volume) => volume.Name);
}

test('docker: mqbench targets reports the engine and the stand-in images', async () => {
  const { code, stdout } = await runCli(['targets'], { env: { DOCKER_HOST: engine.host } });
  assert.equal(code, 0);
  const natsLine = stdout.split('\n').find((line) => /nats:2\.15\.2/.test(line));
  assert.ok(natsLine, stdout);
  assert.match(stdout, new RegExp(`Docker engine [\\d.]+[^ ]* at ${engine.host.replace(/[/.]/g, '\\$&')}`));
  assert.match(stdout, /image nats:2\.15\.2 present \(mqbench's stand-in, built here\)/);
  assert.match(stdout, /image minio\/minio:\S+ present \(mqbench's stand-in, built here\)/);
  assert.match(stdout, /image apache\/kafka:4\.3\.1 present \(mqbench's stand-in, built here\)/);
  assert.match(stdout, /image apachepulsar\/pulsar:4\.0\.8 present \(mqbench's stand-in, built here\)/);
});

test('docker: nats, kafka, pulsar and the WAL on MinIO pass pub/sub in containers on the host network, fully verified', async (t) => {
  const scenario = brokerScenario(
    // Each pub/sub send awaits its acknowledgement: without an eager flush the WAL on S3 waits 200 ms for each.
    '  - nats\n  - kafka\n  - pulsar\n  - { name: wal-s3, type: wal, settings: { backend: s3, flushInterval: 1ms, eagerFlushBlocks: 1 } }',
    '    - { payloadBytes: 1KiB, messages: 100 }\n    - { payloadBytes: 1MiB, messages: 10 }',
  );
  const { result } = await tinyRun(t, scenario, { load: { provider: 'docker' } });
  assert.equal(result.status, 'passed', JSON.stringify(result.cases.map((entry) => [entry.id, entry.error])));
  for (const target of ['nats', 'kafka', 'pulsar', 'wal-s3']) {
    assertVerifiedCase(caseOf(result, target, '1KiB×100 random'), 300);
    assertVerifiedCase(caseOf(result, target, '1MiB×10 random'), 30);
    const manifest = result.manifest.targets[target]!;
    assert.equal(manifest.provider, 'docker');
    const instance = manifest.instance as Record<string, unknown>;
    assert.equal(instance.network, 'host');
    assert.match(String(instance.imageDigest), /^sha256:[0-9a-f]{64}$/);
    assert.match(String(instance.imageKind), /stand-in/);
  }
  // What the server has in force, read back from the container as from a local process.
  assert.equal((result.manifest.targets.nats!.instance as Record<string, unknown>).syncInForce, '/varz: 120000000000 ns');
  assert.deepEqual(await containers(), [], 'every container removed');
  assert.deepEqual(await volumes(), [], 'no volume left');
});

test('docker: a container killed mid-run errors its case with the cause, and is removed', async (t) => {
  const scenario = brokerScenario('  - nats', '    - { payloadBytes: 64KiB, messages: 400 }').replace('operations: 2', 'operations: 20');
  let killed = false;
  const { result } = await tinyRun(t, scenario, {
    load: { provider: 'docker' },
    onEvent(event) {
      if (event.type === 'trial-progress' && event.progress.phase === 'measured' && event.progress.done >= 1000 && !killed) {
        killed = true;
        void containers().then((ids) => Promise.all(ids.map((id) => removeContainer(engine.host, id))));
      }
    },
  });
  assert.ok(killed, 'the container was killed');
  const [entry] = result.cases;
  assert.equal(entry?.status, 'errored');
  assert.match(entry!.error!, /container nats:2\.15\.2 [0-9a-f]{12} stopped \(exit code \d+(: killed)?\) during the run/);
  assert.deepEqual(await containers(), []);
});

for (const signal of ['SIGINT', 'SIGKILL'] as const) {
  test(`docker: ${signal} mid-run leaves no container and no volume behind`, async (t) => {
    const dir = await tempDir(t, 'mqbench-docker-signal-');
    const scenarioFile = join(dir, 'scenario.yaml');
    await writeFile(scenarioFile, brokerScenario('  - nats', '    - { payloadBytes: 64KiB, messages: 400 }').replace('operations: 2', 'operations: 200'));
    let sent = false;
    const outcome = await runCli(['run', scenarioFile, '--provider', 'docker', '--out', join(dir, 'out')], {
      env: { DOCKER_HOST: engine.host },
      onStderr(text, child) {
        if (!sent && /measured \d+\/\d+ messages/.test(text)) {
          sent = true;
          child.kill(signal);
        }
      },
    });
    assert.ok(sent, outcome.stderr);
    if (signal === 'SIGINT') assert.match(outcome.stderr, /interrupted/);
    // After SIGKILL mqbench could do nothing itself: its reaper removes the container once mqbench's pipe ends.
    const gone = await waitUntil(async () => (await containers()).length === 0, 30_000, 200);
    assert.ok(gone, `containers left: ${(await containers()).join(', ')}`);
    assert.deepEqual(await volumes(), [], 'no volume left');
  });
}
