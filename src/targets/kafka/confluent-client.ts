/**
 * The @confluentinc/kafka-javascript adapter (librdkafka through its KafkaJS-compatible API): acks=all, no linger (a
 * send awaited alone is not held back), and at most 5 requests in flight per connection as the Java producer, so
 * concurrent sends queue and share requests instead of each going out as its own (librdkafka allows 1,000,000 in
 * flight by default). Consumers of small messages run in kafka-reader, confluent-kafka-go in its own process (see
 * go-consumer.ts); those of larger ones, and all where kafka-reader is not built or not chosen, through the binding's
 * own API (see confluent-consumer.ts).
 */
import { kafkaJsAuthOptions, librdkafkaAuthProperties, librdkafkaNativeAuthProperties } from './auth.js';
import { nativeConsumerProperties, openNativeConsumer } from './confluent-consumer.js';
import { openGoConsumer } from './go-consumer.js';
import { errorMessage } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { createRequire } from 'node:module';
import { packageVersion } from '../../util/package-version.js';
import { formatBytes } from '../../util/units.js';
import type { LogConsumer } from '../driver.js';
import { asBuffer } from '../../util/buffer-view.js';
import { messagesBetweenOffsets, type KafkaClient, type KafkaClientOptions } from './client.js';

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
  const connection = { 'metadata.broker.list': options.brokers.join(','), 'client.id': 'mqbench', ...librdkafkaNativeAuthProperties(options.auth) };
  const consumerProperties = nativeConsumerProperties(options.fetchMaxBytes, options.messageMaxBytes);
  const open = new Set<{ disconnect(): Promise<void> }>();
  const consumers = new Set<LogConsumer>();
  const producerProperties = { 'linger.ms': options.lingerMs, 'max.in.flight.requests.per.connection': 5, ...options.producerProperties };
  const { reader } = options;
  const readerBelow = reader ? (options.readerBelowBytes ?? Number.POSITIVE_INFINITY) : 0;
  const readerPath = reader && `kafka-reader: ${reader.version} in its own process, each message's value framed over a pipe (flushed whenever librdkafka has nothing more queued)`;
  const bindingPath = 'KafkaConsumer.consume(n) in the worker: what librdkafka has queued, up to 2,000 messages a call';
  return {
    name: '@confluentinc/kafka-javascript (librdkafka)',
    version: `${packageVersion('@confluentinc/kafka-javascript')} (librdkafka ${librdkafkaVersion})`,
    ...(reader ? { consumerName: `${reader.version} in kafka-reader${Number.isFinite(readerBelow) ? ` (messages under ${formatBytes(readerBelow)}; the Node binding from ${formatBytes(readerBelow)})` : ''}` } : {}),
    settings: {
      acks: 'all (-1)',
      compression: 'none',
      ...producerProperties,
      ...consumerProperties,
      consumer: !readerPath ? bindingPath : Number.isFinite(readerBelow) ? `messages under ${formatBytes(readerBelow)} (or of unknown size): ${readerPath}; larger ones: ${bindingPath}` : readerPath,
    },
    async createTopic(topic, partitions) {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
    },
    async deleteTopic(topic) {
      await admin.deleteTopics({ topics: [topic] });
    },
    async countMessages(topic) {
      return messagesBetweenOffsets(await admin.fetchTopicOffsets(topic));
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
    async consumer(topic, consumerOptions) {
      const consumer = reader && (consumerOptions.messageBytes ?? 0) < readerBelow
        ? await openGoConsumer(reader.binary, { ...connection, ...consumerProperties }, topic, consumerOptions)
        : await openNativeConsumer(module, connection, consumerProperties, topic, consumerOptions);
      consumers.add(consumer);
      return {
        async close() {
          consumers.delete(consumer);
          await consumer.close();
        },
      };
    },
    async close() {
      await Promise.allSettled([...[...open].map((client) => client.disconnect()), ...[...consumers].map((consumer) => consumer.close())]);
      await admin.disconnect();
    },
  };
}
