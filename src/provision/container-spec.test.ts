import assert from 'node:assert/strict';
import { test } from 'node:test';
import { natsContainer } from '../targets/nats/container.js';
import { kafkaContainer } from '../targets/kafka/container.js';
import { minioContainer } from '../targets/wal/minio.js';
import { pulsarContainer } from '../targets/pulsar/container.js';
import { BRIDGE_NETWORK, planContainerNetwork } from './container-spec.js';

test('on the host network a broker gets free loopback ports of its own; in its own network, its usual ports', async () => {
  const host = await planContainerNetwork('host', [4222, 8222]);
  assert.equal(host.mode, 'host');
  assert.equal(host.bindHost, '127.0.0.1');
  assert.notEqual(host.port(4222), 4222);
  assert.notEqual(host.port(4222), host.port(8222));
  assert.throws(() => host.port(6222), /no port was planned in place of 6222/);
  const fixed = await planContainerNetwork('host', [9092, 9093], { 9092: 23456 });
  assert.equal(fixed.port(9092), 23456);
  const bridge = await planContainerNetwork('bridge', [4222]);
  assert.equal(bridge, BRIDGE_NETWORK);
  assert.equal(bridge.port(4222), 4222);
  assert.equal(bridge.bindHost, '0.0.0.0');
});

test('each container spec listens where its network says, bound to loopback on the host network', async () => {
  const nats = natsContainer({ maxPayload: 1024, syncInterval: '2m' }, await planContainerNetwork('host', [4222, 8222]));
  assert.equal(nats.network, 'host');
  const [client, monitor] = nats.ports;
  assert.match(nats.files[0]!.content, new RegExp(`listen: 127\\.0\\.0\\.1:${client}\\b`));
  assert.match(nats.files[0]!.content, new RegExp(`http: 127\\.0\\.0\\.1:${monitor}\\b`));
  assert.deepEqual(nats.wait, { kind: 'http', port: monitor, path: '/healthz?js-enabled-only=true' });

  const minio = minioContainer(await planContainerNetwork('host', [9000]));
  assert.deepEqual(minio.command.slice(-2), ['--address', `127.0.0.1:${minio.ports[0]}`]);
  assert.equal(minioContainer().command.at(-1), ':9000');

  const kafkaNetwork = await planContainerNetwork('host', [9092, 9093], { 9092: 24001 });
  const kafka = kafkaContainer({ advertisedPort: 24001, heap: '512m', messageMaxBytes: 1 << 20, fsyncEveryMessage: false }, kafkaNetwork);
  assert.deepEqual(kafka.ports, [24001]);
  assert.match(kafka.environment.KAFKA_LISTENERS!, new RegExp(`PLAINTEXT://127\\.0\\.0\\.1:24001,CONTROLLER://127\\.0\\.0\\.1:${kafkaNetwork.port(9093)}`));
  assert.match(kafka.environment.KAFKA_ADVERTISED_LISTENERS!, /PLAINTEXT:\/\/127\.0\.0\.1:24001/);

  const pulsar = pulsarContainer({ brokerPort: 24002, webPort: 24003, heap: '1g', directMemory: '1g', maxMessageSize: 1 << 20, journalSyncData: false }, { mode: 'host', bindHost: '127.0.0.1' });
  assert.equal(pulsar.network, 'host');
  assert.equal(pulsar.environment.PULSAR_PREFIX_bindAddress, '127.0.0.1');
});
