/** What the Kafka read benches share: the binding, its callbacks as promises, and a backlog of enveloped messages. */
import { createRequire } from 'node:module';
import { crc32 } from '../src/util/crc32.js';
import { ENVELOPE_BYTES, writeEnvelope } from '../src/workloads/envelope.js';
import { runConsumerPerformance } from '../src/targets/kafka/consumer-performance.js';
import { kafkaSettingsSchema } from '../src/targets/kafka/settings.js';
import { kafkaTarget } from '../src/targets/kafka/target.js';
import { withLocalBroker } from './local-broker.js';

/** librdkafka's binding (@confluentinc/kafka-javascript). */
export type Kafka = typeof import('@confluentinc/kafka-javascript');

/** The binding, loaded as the kafka target loads it. */
export const kafka = createRequire(import.meta.url)('@confluentinc/kafka-javascript') as Kafka;

/** A binding call that takes a Node-style callback, as a promise. */
export const callback = <T>(run: (done: (error: unknown, value?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));

/** Writes `messages` enveloped messages of `bytes` into a new one-partition `topic` (each checks as a trial's does). */
export async function writeBacklog(brokers: string, topic: string, messages: number, bytes: number): Promise<void> {
  const admin = kafka.AdminClient.create({ 'bootstrap.servers': brokers });
  await callback<void>((done) => admin.createTopic({ topic, num_partitions: 1, replication_factor: 1 }, 30_000, done));
  admin.disconnect();
  const producer = new kafka.Producer({ 'bootstrap.servers': brokers, 'linger.ms': 5, 'queue.buffering.max.messages': messages, 'queue.buffering.max.kbytes': 2_000_000, 'message.max.bytes': Math.max(1_000_000, 2 * bytes), dr_cb: true });
  await callback<void>((done) => producer.connect({}, (error) => done(error)));
  producer.setPollInterval(10);
  let acknowledged = 0;
  const all = new Promise<void>((resolve, reject) =>
    producer.on('delivery-report', (error) => (error ? reject(error) : ++acknowledged === messages && resolve())),
  );
  for (let sequence = 0; sequence < messages; sequence++) {
    const message = Buffer.alloc(bytes, sequence & 255);
    writeEnvelope(message, { producerId: 0, sequence, intendedMs: 0, sentMs: 0, bodyCrc: crc32(message.subarray(ENVELOPE_BYTES)) });
    producer.produce(topic, 0, message);
  }
  await all;
  await callback<void>((done) => producer.disconnect(() => done(null)));
}

/**
 * Starts a local broker, writes one backlog of `messages` × `bytes` into `topic`, then for each of `rounds` reads it
 * through ConsumerPerformance (in a fresh group) and through `readers`, and prints the round's figures as a JSON line.
 */
export async function readBacklogRounds(
  backlog: { topic: string; messages: number; bytes: number; rounds: number },
  readers: (brokers: string, round: number) => Promise<Record<string, unknown>>,
): Promise<void> {
  const { topic, messages, bytes, rounds } = backlog;
  await withLocalBroker(kafkaTarget, kafkaSettingsSchema.parse({}), async (broker) => {
    const { brokers } = broker.endpoint as { brokers: string };
    await writeBacklog(brokers, topic, messages, bytes);
    for (let round = 1; round <= rounds; round++) {
      const tool = await runConsumerPerformance(
        { messageBytes: bytes, messages, concurrency: 1, producers: 1, timeoutMs: 120_000, topic, signal: new AbortController().signal },
        brokers,
        { topic, group: `tool-${round}`, messages },
      );
      console.log(JSON.stringify({ round, messages, bytes, consumerPerformanceMsgPerSec: Math.round(tool.messagesPerSec), ...(await readers(brokers, round)) }));
    }
  });
}
