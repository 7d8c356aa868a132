import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../testing/temp-dir.js';
import { describeKafkaAuth, javaClientProperties, librdkafkaNativeAuthProperties, resolveKafkaAuth, withClientConfig } from './auth.js';

test('SASL credentials come from the settings, a file or MQBENCH_KAFKA_SASL_*; what is missing is named', async (t) => {
  const dir = await tempDir(t, 'mqbench-kafka-auth-');
  await writeFile(join(dir, 'pw'), 'from-file\n');
  assert.deepEqual(await resolveKafkaAuth({ sasl: { mechanism: 'scram-sha-512', username: 'alice', passwordFile: join(dir, 'pw') } }, {}), { sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'from-file' } });
  assert.deepEqual(await resolveKafkaAuth({}, { MQBENCH_KAFKA_SASL_MECHANISM: 'PLAIN', MQBENCH_KAFKA_SASL_USERNAME: 'bob', MQBENCH_KAFKA_SASL_PASSWORD: 'env' }), { sasl: { mechanism: 'plain', username: 'bob', password: 'env' } });
  assert.deepEqual(await resolveKafkaAuth({ ssl: true }, {}), { ssl: {} });
  assert.deepEqual(await resolveKafkaAuth({}, {}), {});
  await assert.rejects(resolveKafkaAuth({}, { MQBENCH_KAFKA_SASL_USERNAME: 'bob' }), /SASL mechanism "undefined" is not one of plain/);
  await assert.rejects(resolveKafkaAuth({ sasl: { mechanism: 'plain', username: 'bob' } }, {}), /SASL needs a password/);
  assert.equal(describeKafkaAuth({ sasl: { mechanism: 'plain', username: 'alice', password: 'x' }, ssl: {} }), 'SASL PLAIN as alice; TLS');
});

test("Kafka's Java tools get the credentials in a client config file only its owner can read, removed afterwards", async () => {
  const auth = { sasl: { mechanism: 'plain' as const, username: 'alice', password: 'p"w' } };
  assert.deepEqual(javaClientProperties(auth), {
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="p\\"w";',
  });
  let seen = '';
  await withClientConfig(auth, async (path) => {
    assert.ok(path);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    seen = path;
    assert.match(await readFile(path, 'utf8'), /^security\.protocol=SASL_PLAINTEXT$/m);
  });
  await assert.rejects(stat(seen), /ENOENT/);
  assert.equal(await withClientConfig(undefined, async (path) => path), undefined, 'no file without credentials');
});

test("librdkafka's native consumer gets the protocol, the SASL login and the CA as its own properties", () => {
  assert.deepEqual(librdkafkaNativeAuthProperties({}), {});
  assert.deepEqual(librdkafkaNativeAuthProperties({ sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'pw' } }), {
    'security.protocol': 'sasl_plaintext',
    'sasl.mechanisms': 'SCRAM-SHA-256',
    'sasl.username': 'alice',
    'sasl.password': 'pw',
  });
  assert.deepEqual(librdkafkaNativeAuthProperties({ ssl: { caFile: '/ca.pem' } }), { 'security.protocol': 'ssl', 'ssl.ca.location': '/ca.pem' });
  assert.equal(librdkafkaNativeAuthProperties({ sasl: { mechanism: 'plain', username: 'a', password: 'b' }, ssl: {} })['security.protocol'], 'sasl_ssl');
});
