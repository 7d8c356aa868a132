import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parse } from 'yaml';
import { composeContainers, composeFilePath, renderCompose } from './compose.js';

test('the committed docker-compose.yml and docker/ files are what the container specs generate', async () => {
  const { compose, files } = renderCompose();
  assert.equal(await readFile('docker-compose.yml', 'utf8'), compose, 'regenerate with: npm run compose:write');
  for (const file of files) assert.equal(await readFile(file.path, 'utf8'), file.content, `${file.path} is stale`);
});

test('every compose service runs the docker provider\'s image, command, environment, ports, files and data path', async () => {
  const compose = parse(await readFile('docker-compose.yml', 'utf8')) as {
    services: Record<string, { image: string; command?: string[]; environment?: Record<string, string>; ports: string[]; volumes: string[] }>;
  };
  for (const spec of composeContainers()) {
    const service = compose.services[spec.service];
    assert.ok(service, `service ${spec.service}`);
    assert.equal(service.image, spec.image);
    assert.deepEqual(service.command ?? [], spec.command);
    assert.deepEqual(service.environment ?? {}, spec.environment);
    for (const port of spec.ports) assert.ok(service.ports.includes(`${port}:${port}`), `${spec.service} publishes ${port}`);
    assert.ok(service.volumes.some((volume) => volume.endsWith(`:${spec.dataPath}`)), `${spec.service} keeps data at ${spec.dataPath}`);
    for (const file of spec.files) {
      const path = composeFilePath(spec, file.target);
      assert.ok(service.volumes.includes(`./${path}:${file.target}:ro`));
      assert.equal(await readFile(path, 'utf8'), file.content);
    }
  }
});

test('the containers use the broker versions the local provider installs', async () => {
  const { VERSIONS } = await import('../install/versions.js');
  const [nats, kafka, pulsar, minio] = composeContainers();
  assert.equal(pulsar?.image, `apachepulsar/pulsar:${VERSIONS.pulsar}`);
  assert.equal(pulsar?.environment.PULSAR_PREFIX_advertisedAddress, '127.0.0.1');
  assert.match(minio!.image, /^minio\/minio:RELEASE\./);
  assert.equal(nats?.image, `nats:${VERSIONS.natsServer.slice(1)}`);
  assert.equal(kafka?.image, `apache/kafka:${VERSIONS.kafka}`);
  assert.match(nats!.files[0]!.content, /max_payload: 8388608/);
  assert.equal(kafka?.environment.KAFKA_MESSAGE_MAX_BYTES, String(10 * 1024 * 1024));
  assert.equal(kafka?.environment.KAFKA_ADVERTISED_LISTENERS, 'PLAINTEXT://127.0.0.1:9092');
});

test('the Kafka container cluster id is a valid Kafka Uuid (16 bytes, base64url, 22 characters)', async () => {
  const { KAFKA_CONTAINER_CLUSTER_ID } = await import('./kafka/container.js');
  assert.match(KAFKA_CONTAINER_CLUSTER_ID, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(Buffer.from(KAFKA_CONTAINER_CLUSTER_ID, 'base64url').length, 16);
});

test('Docker Compose itself accepts docker-compose.yml and docker-compose.milvus.yml (docker compose config)', async () => {
  const { execute } = await import('../install/exec.js');
  // The compose plugin where it is installed, else Debian's docker-compose (npm run setup installs it).
  const plugin = await execute('docker', ['compose', 'version']).then(() => true, () => false);
  const [command, prefix] = plugin ? ['docker', ['compose']] : ['docker-compose', []];
  for (const file of ['docker-compose.yml', 'docker-compose.milvus.yml']) {
    await execute(command, [...prefix, '-f', file, 'config', '-q'], { label: `${command} ${prefix.join(' ')} -f ${file} config` });
  }
  // And it fails on what it should refuse: a YAML 1.1 boolean where a string belongs (as MINIO_BROWSER: off once was).
  const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'mqbench-compose-'));
  try {
    await writeFile(join(dir, 'bad.yml'), 'services:\n  minio:\n    image: minio/minio\n    environment:\n      MINIO_BROWSER: off\n');
    await assert.rejects(execute(command, [...prefix, '-f', join(dir, 'bad.yml'), 'config', '-q']), /MINIO_BROWSER/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
