/**
 * librdkafka's consumer through the binding's `consume(n)`: one call after the other (what `confluent-consumer.ts`
 * does) against the next call asked for before a batch is checked, so that librdkafka's queue is drained on the thread
 * pool meanwhile. One backlog of enveloped messages in a local Kafka broker started by mqbench; each message's
 * envelope is read and checked, as a trial does. Prints msg/s from the first message for each way, alternated,
 * `ROUNDS` rounds.   npm run bench:kafka-read -- [messages] [bytes]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeConsumerProperties } from '../src/targets/kafka/confluent-consumer.js';
import { kafkaSettingsSchema } from '../src/targets/kafka/settings.js';
import { kafkaTarget } from '../src/targets/kafka/target.js';
import { crc32 } from '../src/util/crc32.js';
import { ENVELOPE_BYTES, readEnvelope, writeEnvelope } from '../src/workloads/envelope.js';

type Kafka = typeof import('@confluentinc/kafka-javascript');
type Consumer = InstanceType<Kafka['KafkaConsumer']>;
type Message = { value: Buffer | null };

const kafka = createRequire(import.meta.url)('@confluentinc/kafka-javascript') as Kafka;
const MESSAGES = Number(process.argv[2] ?? 200_000);
const BYTES = Number(process.argv[3] ?? 1024);
const BATCH = 2_000;
const ROUNDS = 3;
const TOPIC = 'backlog';

const callback = <T>(run: (done: (error: unknown, value?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));

/** Writes the backlog: MESSAGES enveloped messages of BYTES into one partition. */
async function writeBacklog(brokers: string): Promise<void> {
  const admin = kafka.AdminClient.create({ 'bootstrap.servers': brokers });
  await callback<void>((done) => admin.createTopic({ topic: TOPIC, num_partitions: 1, replication_factor: 1 }, 30_000, done));
  admin.disconnect();
  const producer = new kafka.Producer({ 'bootstrap.servers': brokers, 'linger.ms': 5, 'queue.buffering.max.messages': MESSAGES, 'queue.buffering.max.kbytes': 2_000_000, dr_cb: true });
  await callback<void>((done) => producer.connect({}, (error) => done(error)));
  producer.setPollInterval(10);
  let acknowledged = 0;
  const all = new Promise<void>((resolve, reject) =>
    producer.on('delivery-report', (error) => (error ? reject(error) : ++acknowledged === MESSAGES && resolve())),
  );
  for (let sequence = 0; sequence < MESSAGES; sequence++) {
    const message = Buffer.alloc(BYTES, sequence & 255);
    writeEnvelope(message, { producerId: 0, sequence, intendedMs: 0, sentMs: 0, bodyCrc: crc32(message.subarray(ENVELOPE_BYTES)) });
    producer.produce(TOPIC, 0, message);
  }
  await all;
  await callback<void>((done) => producer.disconnect(() => done(null)));
}

let groups = 0;
/** Reads the whole backlog in a new group; msg/s from the first message to the last. */
async function readBacklog(brokers: string, overlapped: boolean): Promise<number> {
  const consumer: Consumer = new kafka.KafkaConsumer({ 'bootstrap.servers': brokers, ...nativeConsumerProperties(16 * 1024 * 1024, 10 * 1024 * 1024), 'group.id': `g${groups++}` }, { 'auto.offset.reset': 'earliest' });
  await callback<void>((done) => consumer.connect({ timeout: 30_000 }, (error) => done(error)));
  // Returns what is queued once a first message is there (the product waits on librdkafka's wake-up instead).
  consumer.setDefaultConsumeTimeout(10);
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(only: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  consumer.subscribe([TOPIC]);
  const next = () => callback<Message[]>((done) => consumer.consume(BATCH, (error, messages) => done(error, messages as Message[])));
  let read = 0;
  let first = 0;
  let pending = next();
  while (read < MESSAGES) {
    const messages = await pending;
    if (overlapped) pending = next();
    if (messages.length > 0 && first === 0) first = performance.now();
    for (const message of messages) {
      if (!message.value || !readEnvelope(message.value).ok) throw new Error(`message ${read} of the backlog is corrupt`);
      read += 1;
    }
    if (!overlapped && read < MESSAGES) pending = next();
  }
  const seconds = (performance.now() - first) / 1000;
  if (overlapped) await pending;
  await callback<void>((done) => consumer.disconnect(() => done(null)));
  return MESSAGES / seconds;
}

const dir = await mkdtemp(join(tmpdir(), 'mqbench-kafka-read-'));
const broker = await kafkaTarget.provision('local', { name: 'kafka', dir, logDir: dir, settings: kafkaSettingsSchema.parse({}), signal: new AbortController().signal });
try {
  const { brokers } = broker.endpoint as { brokers: string };
  await writeBacklog(brokers);
  for (let round = 1; round <= ROUNDS; round++) {
    const serial = await readBacklog(brokers, false);
    const overlapped = await readBacklog(brokers, true);
    console.log({ round, messages: MESSAGES, bytes: BYTES, serialMsgPerSec: Math.round(serial), overlappedMsgPerSec: Math.round(overlapped) });
  }
} finally {
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
}
