import assert from 'node:assert/strict';
import { test } from 'node:test';
import { externalAvailability } from './availability.js';
import { kafkaTarget } from './kafka/target.js';
import { milvusTarget } from './milvus/target.js';
import { natsTarget } from './nats/target.js';
import { pulsarTarget } from './pulsar/target.js';
import { walTarget } from './wal/target.js';

const source = { setting: 'settings.external.servers', variable: 'MQBENCH_TEST_URL', nothing: 'no server configured', fix: 'set it' };

test("an external endpoint in the target's settings (the scenario's, or filled in from its variable) makes the external provider available, shown redacted", () => {
  assert.deepEqual(externalAvailability({ ...source, configured: undefined }), { provider: 'external', available: false, detail: 'no server configured', fix: 'set it' });
  assert.deepEqual(externalAvailability({ ...source, configured: 'nats://u:pw@h:4222' }), { provider: 'external', available: true, detail: 'settings.external.servers (or MQBENCH_TEST_URL)=nats://u:***@h:4222' });
  // The variable alone is not read here: the loader and `mqbench targets` put it into the settings first.
  process.env.MQBENCH_TEST_URL = 'nats://tok@h:4222';
  assert.equal(externalAvailability({ ...source, configured: undefined }).available, false);
  delete process.env.MQBENCH_TEST_URL;
});

test('every target with an external provider reads its settings (not only the environment)', async () => {
  for (const variable of ['MQBENCH_NATS_URL', 'MQBENCH_KAFKA_BROKERS', 'MQBENCH_PULSAR_WEB_URL', 'MQBENCH_S3_BUCKET', 'MQBENCH_MILVUS_ADDRESS']) delete process.env[variable];
  const cases: Array<[string, () => Promise<Array<{ provider: string; available: boolean }>>]> = [
    ['nats', () => natsTarget.availability({ external: { servers: 'nats://h:4222' } } as never)],
    ['kafka', () => kafkaTarget.availability({ external: { brokers: 'h:9092' } } as never)],
    ['pulsar', () => pulsarTarget.availability({ external: { webServiceUrl: 'http://h:8080' } } as never)],
    ['wal', () => walTarget.availability({ backend: 's3', s3: { bucket: 'b' } } as never)],
    ['milvus', () => milvusTarget.availability({ address: 'h:19530' } as never)],
  ];
  for (const [name, availability] of cases) {
    const external = (await availability()).find((entry) => entry.provider === 'external');
    assert.equal(external?.available, true, name);
  }
});
