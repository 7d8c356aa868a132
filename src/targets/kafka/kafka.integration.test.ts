import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { assertVerifiedCase, brokerScenario, caseOf, processesMentioning, requireInstalled, runAndKillBroker } from '../../testing/brokers.js';
import { tinyRun } from '../../testing/tiny-run.js';
import { tempDir } from '../../testing/temp-dir.js';
import { execute } from '../../install/exec.js';
import { startLocalProcess } from '../../provision/local-process.js';
import { freePorts } from '../../provision/ports.js';
import { tcpOpen } from '../../provision/readiness.js';
import { jvmOptions, kafkaProperties, log4jConfig, newClusterId, propertiesFile } from './config.js';
import { kafkaHome } from './install.js';

before(() => requireInstalled('kafka'));

test('kafka (local, KRaft): 1 KiB and 5 MiB payloads pass with full verification, through kafkajs and through librdkafka with each consumer path (kafka-reader, the Node binding, by size)', async (t) => {
  const scenario = brokerScenario(
    [
      '  - { name: kafka, type: kafka, settings: { client: kafkajs } }',
      '  - { name: kafka-confluent, type: kafka, settings: { durability: fsync } }',
      '  - { name: kafka-go, type: kafka, settings: { consumerClient: confluent-go } }',
      '  - { name: kafka-binding, type: kafka, settings: { consumerClient: confluent-binding } }',
    ].join('\n'),
    '    - { payloadBytes: 1KiB, messages: 300 }\n    - { payloadBytes: 5MiB, messages: 12 }',
  );
  const { result, outDir } = await tinyRun(t, scenario, { load: { provider: 'local' } });
  assert.equal(result.status, 'passed', JSON.stringify(result.cases.map((entry) => entry.error)));
  // Which consumers ran in kafka-reader: its processes count in the client's figures (clientHelpers).
  const helpers = (target: string, label: string) => caseOf(result, target, label)!.trials.map((trial) => trial.resources?.clientHelpers ?? 0);
  for (const target of ['kafka', 'kafka-confluent', 'kafka-go', 'kafka-binding']) {
    assertVerifiedCase(caseOf(result, target, '1KiB×300 random'), 900);
    assertVerifiedCase(caseOf(result, target, '5MiB×12 random'), 36);
    const expected = { kafka: [false, false], 'kafka-confluent': [true, false], 'kafka-go': [true, true], 'kafka-binding': [false, false] }[target]!;
    assert.deepEqual(
      [helpers(target, '1KiB×300 random').every((count) => count > 0), helpers(target, '5MiB×12 random').every((count) => count > 0)],
      expected,
      `${target}: consumers in kafka-reader at 1 KiB and at 5 MiB`,
    );
  }
  const { kafka, 'kafka-confluent': confluent, 'kafka-go': go, 'kafka-binding': binding } = result.manifest.targets;
  assert.equal(kafka?.driver?.client.name, 'kafkajs');
  // librdkafka is the default client; its consumers of small messages run in kafka-reader, on confluent-kafka-go as Milvus's do.
  assert.match(
    String(confluent?.driver?.client.name),
    /^@confluentinc\/kafka-javascript \(librdkafka\); consumers: confluent-kafka-go v2\.\d+\.\d+ \(librdkafka 2\.\d+\.\d+\) in kafka-reader \(messages under 4KiB; the Node binding from 4KiB\)$/,
  );
  assert.match(String(confluent?.driver?.settings.consumer), /^messages under 4KiB \(or of unknown size\): kafka-reader: confluent-kafka-go .*; larger ones: KafkaConsumer\.consume\(n\) in the worker/);
  assert.match(String(go?.driver?.client.name), /consumers: confluent-kafka-go v2\.\d+\.\d+ \(librdkafka 2\.\d+\.\d+\) in kafka-reader$/);
  assert.equal(binding?.driver?.client.name, '@confluentinc/kafka-javascript (librdkafka)');
  assert.match(String(binding?.driver?.settings.consumer), /^KafkaConsumer\.consume\(n\) in the worker/);
  assert.equal(confluent?.driver?.settings['max.in.flight.requests.per.connection'], 5);
  assert.equal(confluent?.driver?.settings['linger.ms'], 0);
  assert.match(String(kafka?.driver?.settings.batching), /batched by mqbench/);
  assert.match(String(kafka?.driver?.settings.inboundReads), /^each response read whole into one buffer/);
  assert.match(String(kafka?.driver?.settings.autoCommit), /^every 5000 ms and on close/);
  assert.equal(kafka?.driver?.durability.acks, 'all');
  assert.match(String(kafka?.driver?.durability.flush), /page cache/);
  assert.match(String(confluent?.driver?.durability.flush), /log\.flush\.interval\.messages=1/);
  // What the broker itself reports it has in force (DescribeConfigs), not only what mqbench wrote.
  assert.equal(confluent?.instance?.flushInForce, 'log.flush.interval.messages=1 (DescribeConfigs)');
  assert.equal(kafka?.instance?.flushInForce, 'log.flush.interval.messages=9223372036854775807 (DescribeConfigs)');
  assert.equal(kafka?.driver?.broker.version, '4.3.1');
  assert.deepEqual(await processesMentioning(outDir), [], 'the brokers are stopped');
});

test('kafka killed mid-run: errored with the cause, partial result kept, nothing left running', async (t) => {
  const scenario = brokerScenario('  - kafka', '    - { payloadBytes: 64KiB, messages: 300 }').replace('operations: 2', 'operations: 20');
  const { result, outDir, killed } = await runAndKillBroker(t, scenario, 700);
  assert.ok(killed);
  const [entry] = result.cases;
  assert.equal(entry?.status, 'errored');
  assert.match(entry!.error!, /kafka killed by SIGKILL during the run/);
  assert.ok((entry?.summary?.opSeconds?.count ?? 0) >= 2);
  assert.deepEqual(await processesMentioning(outDir), []);
});

test('a Kafka broker whose port is taken gives a clear error with the broker log', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const { result } = await tinyRun(t, brokerScenario(`  - { name: kafka, type: kafka, settings: { port: ${port} } }`, '    - { payloadBytes: 1KiB, messages: 10 }'), {
    load: { provider: 'local' },
  });
  assert.equal(result.cases[0]?.status, 'errored');
  assert.match(result.cases[0]!.error!, /kafka exited \(code 1\) before it was ready; log .*kafka\.log:[\s\S]*(Address already in use|BindException)/);
});

test('kafka: a closed-loop stream runs ProducerPerformance and ConsumerPerformance against the same broker after the trial; both clients batch concurrent sends and lose nothing', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: kafka-tool-ceiling
targets:
  - kafka
  - { name: kafka-kafkajs, type: kafka, settings: { client: kafkajs } }
  - { name: kafka-kafkajs-reads, type: kafka, settings: { client: confluent, consumerClient: kafkajs } }
workload: { type: stream, mode: closed-loop, inFlight: 64, payloadBytes: 1KiB, messages: 5000, consumer: after }
`,
    { load: { provider: 'local' } },
  );
  for (const entry of result.cases) {
    assertVerifiedCase(entry, 5000);
    const tool = entry.summary?.toolCeiling;
    assert.equal(tool?.tool, 'Kafka ProducerPerformance 4.3.1', entry.summary?.toolCeilingError ?? undefined);
    assert.match(tool!.command, /--num-records 5000 --warmup-records 1000 --record-size 1024 --throughput -1/);
    assert.ok(tool!.messagesPerSec > 100, `ProducerPerformance: ${tool!.messagesPerSec} msg/s`);
    assert.ok(entry.summary!.clientEfficiency! > 0);
    // The read side: ConsumerPerformance read back what ProducerPerformance wrote, beside mqbench's own read-back.
    const readBack = tool!.readBack;
    assert.equal(readBack?.tool, 'Kafka ConsumerPerformance 4.3.1', entry.summary?.toolReadBackError ?? undefined);
    assert.match(readBack!.command, /ConsumerPerformance --bootstrap-server \S+ --topic \S+ --group \S+ --num-records 5000/);
    assert.ok(readBack!.messagesPerSec > 100 && entry.summary!.readEfficiency! > 0, `ConsumerPerformance: ${readBack!.messagesPerSec} msg/s`);
  }
  // librdkafka writes and kafkajs reads, and the manifest says so.
  const mixed = result.manifest.targets['kafka-kafkajs-reads']?.driver;
  assert.match(mixed!.client.name, /librdkafka.*; consumers: kafkajs/);
  assert.equal(mixed!.settings.consumerClient, 'kafkajs');
});

test('kafka (external, SASL PLAIN): both clients and Kafka\'s perf tools authenticate with a password file; no secret appears in the result or the report; a wrong password is a clear error', async (t) => {
  const dir = await tempDir(t, 'mqbench-kafka-sasl-');
  const [port, controllerPort] = await freePorts(2);
  const password = `alice-${process.pid}-secret`;
  const properties = {
    ...kafkaProperties({ bindHost: '127.0.0.1', port: port!, controllerPort: controllerPort!, advertisedPort: port!, logDirs: join(dir, 'data'), messageMaxBytes: 10 * 1024 * 1024, fsyncEveryMessage: false }),
    listeners: `SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `SASL_PLAINTEXT://127.0.0.1:${port}`,
    'inter.broker.listener.name': 'SASL_PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'sasl.enabled.mechanisms': 'PLAIN',
    'sasl.mechanism.inter.broker.protocol': 'PLAIN',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-pw" user_admin="admin-pw" user_alice="${password}";`,
  };
  const propertiesPath = join(dir, 'server.properties');
  await writeFile(propertiesPath, propertiesFile(properties));
  await writeFile(join(dir, 'log4j2.properties'), log4jConfig(join(dir, 'server.log')));
  const classpath = `${join(kafkaHome(), 'libs')}/*`;
  const logging = [`-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`];
  await execute('java', [...logging, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', propertiesPath]);
  const broker = await startLocalProcess({ name: 'kafka (SASL)', command: 'java', args: [...jvmOptions('512m'), ...logging, '-cp', classpath, 'kafka.Kafka', propertiesPath], logFile: join(dir, 'kafka.log'), ready: () => tcpOpen(port!), readyTimeoutMs: 120_000 });
  t.after(() => broker.stop(20_000));
  await writeFile(join(dir, 'password'), `${password}\n`);

  const external = (client: string, passwordSetting: string) =>
    `{ name: ${client}, type: kafka, settings: { client: ${client === 'kafka-kafkajs' ? 'kafkajs' : 'confluent'}, external: { brokers: "127.0.0.1:${port}", sasl: { mechanism: plain, username: alice, ${passwordSetting} } } } }`;
  const { result, outDir } = await tinyRun(
    t,
    `
name: kafka-sasl
targets:
  - ${external('kafka-confluent', `passwordFile: "${join(dir, 'password')}"`)}
  - ${external('kafka-kafkajs', `password: "${password}"`)}
workload: { type: stream, mode: closed-loop, inFlight: 16, payloadBytes: 1KiB, messages: 500, consumer: after }
warmup: { operations: 0 }
`,
    { load: { provider: 'external' } },
  );
  for (const entry of result.cases) {
    assertVerifiedCase(entry, 500, 'client-only');
    assert.ok(entry.summary!.toolCeiling!.messagesPerSec > 0, `${entry.target}: ProducerPerformance authenticated`);
    assert.ok((entry.summary!.toolCeiling!.readBack?.messagesPerSec ?? 0) > 0, `${entry.target}: ConsumerPerformance authenticated (${entry.summary!.toolReadBackError})`);
  }
  assert.equal(result.manifest.targets['kafka-confluent']?.instance?.authentication, 'SASL PLAIN as alice');
  assert.equal(result.manifest.targets['kafka-kafkajs']?.driver?.settings.inboundReads, "kafkajs's own socket (TLS or SASL)");
  // librdkafka's 1 KiB read-back went through kafka-reader, which took the credentials on its standard input.
  assert.ok((caseOf(result, 'kafka-confluent', result.cases[0]!.label)?.trials[0]?.resources?.clientHelpers ?? 0) > 0, 'kafka-reader read the backlog');
  const written = `${await readFile(join(outDir, 'result.json'), 'utf8')}${await readFile(join(outDir, 'report.html'), 'utf8')}`;
  assert.equal(written.includes(password), false, 'the password is in neither result.json nor report.html');

  const wrong = await tinyRun(t, `
name: kafka-sasl-wrong
targets: [${external('kafka-confluent', 'password: not-it')}]
workload: { type: pubsub, operations: 1, messages: 10, payloadBytes: 1KiB, timeout: 20s }
warmup: { operations: 0 }
`, { load: { provider: 'external' } });
  assert.equal(wrong.result.cases[0]?.status, 'errored');
  assert.match(wrong.result.cases[0]!.error!, /^Kafka at 127\.0\.0\.1:\d+ did not answer \(or refused the SASL credentials\)/);
});

test('kafka: reference: true runs the pub/sub operations through confluent-kafka-go against the same broker, for the round trip ratio', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: kafka-reference
targets: [{ name: kafka, type: kafka, settings: { client: confluent } }]
workload: { type: pubsub, payloadBytes: 1KiB, messages: 300, operations: 2, reference: true }
`,
    { load: { provider: 'local' } },
  );
  const [entry] = result.cases;
  assertVerifiedCase(entry, 900);
  const summary = entry!.summary!;
  assert.equal(summary.toolCeilingError ?? undefined, undefined, String(summary.toolCeilingError));
  assert.match(summary.toolCeiling!.tool, /^confluent-kafka-go \(librdkafka [\d.]+\) \(Go reference of the pub\/sub operation\)$/);
  assert.match(summary.toolCeiling!.command, /^pubsub-ref --broker=kafka --url=127\.0\.0\.1:\d+ --messages=300 --size=1024 --operations=2 /);
  assert.equal(String(summary.toolCeiling!.settings.secondsPerOp).split(', ').length, 2, 'the reference ran as many operations as the trial');
  assert.ok(summary.clientEfficiency! > 0, `round trip ratio ${summary.clientEfficiency}`);
});
