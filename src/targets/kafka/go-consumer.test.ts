import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { tempDir } from '../../testing/temp-dir.js';
import { onClientHelper } from '../../metrics/client-helpers.js';
import { waitUntil } from '../../provision/readiness.js';
import { builtKafkaReader, kafkaReader, openGoConsumer } from './go-consumer.js';

/**
 * A stand-in for kafka-reader (a Node script with its protocol): it records its config line in `config.json`, then
 * runs `behaviour` with `frame(kind, text)` to write frames, and exits 0 when its input ends.
 */
async function fakeReader(t: TestContext, behaviour: string): Promise<{ binary: string; dir: string }> {
  const dir = await tempDir(t);
  const binary = join(dir, 'fake-reader');
  await writeFile(
    binary,
    `#!${process.execPath}
const { writeFileSync } = require('node:fs');
const frame = (kind, text = '') => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(5);
  header.write(kind, 0, 'latin1');
  header.writeUInt32LE(body.length, 1);
  process.stdout.write(Buffer.concat([header, body]));
};
let input = '';
process.stdin.on('data', (chunk) => {
  input += chunk;
  if (input.includes('\\n') && !input.startsWith('done')) {
    writeFileSync(${JSON.stringify(join(dir, 'config.json'))}, input.split('\\n')[0]);
    input = 'done';
    ${behaviour}
  }
});
process.stdin.on('end', () => {
  frame('u', JSON.stringify({ user: 0.25, system: 0.05 }));
  process.stdout.end(() => process.exit(0));
});
`,
  );
  await chmod(binary, 0o755);
  return { binary, dir };
}

/** Consumer options that collect messages and errors. */
function collector() {
  const messages: string[] = [];
  const errors: Error[] = [];
  return { messages, errors, options: { group: 'g', from: 'earliest' as const, onMessage: (payload: Uint8Array) => messages.push(Buffer.from(payload).toString()), onError: (error: Error) => errors.push(error) } };
}

test('a kafka-reader consumer gets its config on stdin, hands on each message in order, and stops its reader on close', async (t) => {
  const { binary, dir } = await fakeReader(t, "frame('r'); frame('m', 'one'); frame('e', 'broker connection retried'); frame('m', 'two');");
  const { messages, errors, options } = collector();
  const helpers: Array<[string, number, number?]> = [];
  const stop = onClientHelper({ started: (pid) => helpers.push(['started', pid]), exiting: (pid, usage) => helpers.push(['exiting', pid, usage.cpuSeconds]) });
  t.after(stop);
  const consumer = await openGoConsumer(binary, { 'bootstrap.servers': '127.0.0.1:1', 'fetch.wait.max.ms': 100 }, 'topic-a', options);
  assert.ok(await waitUntil(async () => messages.length === 2, 10_000, 10));
  await consumer.close();
  assert.deepEqual(messages, ['one', 'two']);
  // The reader counts as the client's, with the CPU it reports on its way out.
  const pid = helpers[0]?.[1];
  assert.deepEqual(helpers, [['started', pid], ['exiting', pid, 0.3]]);
  assert.deepEqual(errors, [], 'an error librdkafka recovers from is not the consumer failing');
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')), {
    topic: 'topic-a',
    properties: { 'bootstrap.servers': '127.0.0.1:1', 'fetch.wait.max.ms': 100, 'group.id': 'g', 'auto.offset.reset': 'earliest' },
  });
});

test('a fatal error from kafka-reader, or its exit, reaches onError with the cause', async (t) => {
  const fatal = await fakeReader(t, "frame('r'); setTimeout(() => frame('x', 'Broker: group authorization failed'), 50);");
  const first = collector();
  const consumer = await openGoConsumer(fatal.binary, {}, 'topic-b', first.options);
  assert.ok(await waitUntil(async () => first.errors.length > 0, 10_000, 10));
  await consumer.close();
  assert.match(first.errors[0]!.message, /^Kafka consumer of topic-b \(kafka-reader\): Broker: group authorization failed$/);

  const exits = await fakeReader(t, "frame('r'); setTimeout(() => { console.error('librdkafka: something broke'); process.exit(3); }, 50);");
  const second = collector();
  const consumer2 = await openGoConsumer(exits.binary, {}, 'topic-c', second.options);
  assert.ok(await waitUntil(async () => second.errors.length > 0, 10_000, 10));
  await consumer2.close();
  assert.match(second.errors[0]!.message, /kafka-reader exited with code 3: librdkafka: something broke/);
});

test('a kafka-reader that exits before it is ready fails the open with its stderr', async (t) => {
  const { binary } = await fakeReader(t, "console.error('kafka-reader: No such configuration property: \"fetch.bogus\"'); process.exit(1);");
  const { options, errors } = collector();
  await assert.rejects(openGoConsumer(binary, {}, 'topic-d', options), /kafka-reader exited with code 1: kafka-reader: No such configuration property/);
  await assert.rejects(openGoConsumer(join(binary, 'missing'), {}, 'topic-e', options), /starting kafka-reader/);
  assert.deepEqual(errors, [], 'a consumer that never opened fails its open, not onError');
});

test('the real kafka-reader dies with the process that started it, even one killed with SIGKILL', async () => {
  assert.ok(await kafkaReader.built(), 'kafka-reader is built by npx mqbench install kafka (npm run setup)');
  const binary = await kafkaReader.path();
  // A parent that starts kafka-reader (which waits for its config) and prints its pid, then lives on.
  const parent = spawn(process.execPath, ['-e', `const c = require('node:child_process').spawn(${JSON.stringify(binary)}, [], { stdio: ['pipe', 'ignore', 'ignore'] }); console.log(c.pid); setInterval(() => {}, 1000);`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (text: Buffer) => resolve(Number(text.toString().trim()))));
  const alive = () => readFile(`/proc/${pid}/stat`, 'utf8').then((stat) => !/\) Z /.test(stat), () => false);
  assert.equal(await alive(), true);
  parent.kill('SIGKILL');
  assert.ok(await waitUntil(async () => !(await alive()), 10_000, 20), `kafka-reader ${pid} outlived its parent`);
});

test('MQBENCH_KAFKA_READER names the binary to use, and one that does not run is a clear error', async (t) => {
  const dir = await tempDir(t);
  const binary = join(dir, 'kafka-reader');
  await writeFile(binary, `#!/bin/sh\necho '{"client":"confluent-kafka-go v9.9.9","librdkafka":"9.9.9"}'\n`);
  await chmod(binary, 0o755);
  assert.deepEqual(await builtKafkaReader({ ...process.env, MQBENCH_KAFKA_READER: binary }), { binary, version: 'confluent-kafka-go v9.9.9 (librdkafka 9.9.9)' });
  await assert.rejects(builtKafkaReader({ ...process.env, MQBENCH_KAFKA_READER: join(dir, 'missing') }), /MQBENCH_KAFKA_READER=.*missing does not run/);
});
