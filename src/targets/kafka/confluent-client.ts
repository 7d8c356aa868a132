/**
 * The @confluentinc/kafka-javascript adapter (librdkafka through its KafkaJS-compatible API): acks=all, no linger (a
 * send awaited alone is not held back), and at most 5 requests in flight per connection as the Java producer, so
 * concurrent sends queue and share requests instead of each going out as its own (librdkafka allows 1,000,000 in
 * flight by default); consumer groups from the beginning with auto-committed offsets.
 */
import { kafkaJsAuthOptions, librdkafkaAuthProperties } from './auth.js';
import { errorMessage } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { createRequire } from 'node:module';
import { packageVersion } from '../../util/package-version.js';
import type { LogConsumer } from '../driver.js';
import { asBuffer, type KafkaClient, type KafkaClientOptions } from './client.js';

type ConfluentModule = typeof import('@confluentinc/kafka-javascript');

/** Connects librdkafka to the brokers; fails with a clear message when the native module is not built. */
export async function confluentClient(options: KafkaClientOptions): Promise<KafkaClient> {
  let module: ConfluentModule;
  try {
    module = createRequire(import.meta.url)('@confluentinc/kafka-javascript') as ConfluentModule;
  } catch (error) {
    throw new Error(`@confluentinc/kafka-javascript is not usable (${(error as Error).message}); reinstall with CKJS_LINKING=dynamic npm install (npm run setup does this)`);
  }
  const { KafkaJS, librdkafkaVersion } = module;
  const kafka = new KafkaJS.Kafka({
    kafkaJS: { clientId: 'mqbench', brokers: options.brokers, logLevel: KafkaJS.logLevel.NOTHING, ...((await kafkaJsAuthOptions(options.auth)) as object) },
    ...librdkafkaAuthProperties(options.auth),
  });
  const admin = kafka.admin();
  await admin.connect();
  // librdkafka connects lazily: a first request shows at once whether the cluster answers and takes the credentials.
  await withTimeout(admin.listTopics(), 30_000, `listing the topics of ${options.brokers.join(',')}`).catch(async (error: unknown) => {
    await admin.disconnect().catch(() => undefined);
    throw new Error(`Kafka at ${options.brokers.join(',')} did not answer${options.auth?.sasl ? ' (or refused the SASL credentials)' : ''}: ${errorMessage(error)}`);
  });
  const open = new Set<{ disconnect(): Promise<void> }>();
  const producerProperties = { 'linger.ms': options.lingerMs, 'max.in.flight.requests.per.connection': 5, ...options.producerProperties };
  return {
    name: '@confluentinc/kafka-javascript (librdkafka)',
    version: `${packageVersion('@confluentinc/kafka-javascript')} (librdkafka ${librdkafkaVersion})`,
    settings: { acks: 'all (-1)', compression: 'none', ...producerProperties, 'max.partition.fetch.bytes': options.fetchMaxBytes, autoCommit: true, consumer: 'eachBatch, every fetched message of the partition a batch (js.consumer.max.batch.size -1)', 'fetch.queue.backoff.ms': 10 },
    async createTopic(topic, partitions) {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
    },
    async deleteTopic(topic) {
      await admin.deleteTopics({ topics: [topic] });
    },
    async producer(topic) {
      const producer = kafka.producer({
        kafkaJS: { acks: -1, compression: KafkaJS.CompressionTypes.None, allowAutoTopicCreation: false },
        'message.max.bytes': options.messageMaxBytes,
        ...producerProperties,
      });
      await producer.connect();
      open.add(producer);
      return {
        async send(payload) {
          const [metadata] = await producer.send({ topic, messages: [{ value: asBuffer(payload) }] });
          return `${metadata?.partition}:${metadata?.baseOffset ?? metadata?.offset}`;
        },
        async close() {
          open.delete(producer);
          await producer.disconnect();
        },
      };
    },
    async consumer(topic, consumerOptions): Promise<LogConsumer> {
      const consumer = kafka.consumer({
        kafkaJS: { groupId: consumerOptions.group, fromBeginning: consumerOptions.from === 'earliest', autoCommit: true },
        'max.partition.fetch.bytes': options.fetchMaxBytes,
        'fetch.max.bytes': options.fetchMaxBytes * 4,
        'fetch.wait.max.ms': 100,
        'message.max.bytes': options.messageMaxBytes,
        // Every message librdkafka has fetched for the partition in one batch: the KafkaJS layer's default (batches
        // of at most 32, ramping up from 1) with eachMessage (a promise per message) read a 1 KiB backlog at 91k msg/s
        // here, this at 117k.
        'js.consumer.max.batch.size': -1,
        // When librdkafka's local queue passes queued.min.messages or queued.max.messages.kbytes (64 MiB: 64 messages
        // of 1 MiB), its next fetch waits this long (default 1 s) even once the queue has drained: a 1 MiB backlog read
        // at 188-692 msg/s with the default, 1,142-1,165 with 10 ms (ConsumerPerformance: ~960).
        'fetch.queue.backoff.ms': 10,
      });
      await consumer.connect();
      open.add(consumer);
      await consumer.subscribe({ topics: [topic] });
      void consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) if (message.value) consumerOptions.onMessage(message.value);
          },
        })
        .catch((error: unknown) => consumerOptions.onError(error instanceof Error ? error : new Error(String(error))));
      return {
        async close() {
          open.delete(consumer);
          await consumer.disconnect();
        },
      };
    },
    async close() {
      await Promise.allSettled([...open].map((client) => client.disconnect()));
      await admin.disconnect();
    },
  };
}
