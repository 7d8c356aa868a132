/** The kafkajs adapter: acks=all producers, consumer groups reading from the beginning with auto-committed offsets. */
import { Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';
import { packageVersion } from '../../util/package-version.js';
import type { LogConsumer } from '../driver.js';
import { asBuffer, type KafkaClient, type KafkaClientOptions } from './client.js';

/** Connects kafkajs to the brokers. */
export async function kafkajsClient(options: KafkaClientOptions): Promise<KafkaClient> {
  const kafka = new Kafka({ clientId: 'mqbench', brokers: options.brokers, logLevel: logLevel.NOTHING, retry: { retries: 3, maxRetryTime: 2000 } });
  const admin: Admin = kafka.admin();
  await admin.connect();
  const open = new Set<{ disconnect(): Promise<void> }>();
  return {
    name: 'kafkajs',
    version: packageVersion('kafkajs'),
    settings: { acks: 'all (-1)', compression: 'none', maxBytesPerPartition: options.fetchMaxBytes, autoCommit: true },
    async createTopic(topic, partitions) {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    },
    async deleteTopic(topic) {
      await admin.deleteTopics({ topics: [topic] });
    },
    async producer(topic) {
      const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      open.add(producer);
      return {
        async send(payload) {
          const [metadata] = await producer.send({ topic, acks: -1, messages: [{ value: asBuffer(payload) }] });
          return `${metadata?.partition}:${metadata?.baseOffset}`;
        },
        async close() {
          open.delete(producer);
          await producer.disconnect();
        },
      };
    },
    async consumer(topic, consumerOptions): Promise<LogConsumer> {
      const consumer = kafka.consumer({
        groupId: consumerOptions.group,
        maxBytesPerPartition: options.fetchMaxBytes,
        maxBytes: options.fetchMaxBytes * 4,
        maxWaitTimeInMs: 100,
        // A crashed consumer is reported to the harness, not restarted behind its back.
        retry: { retries: 3, restartOnFailure: async () => false },
      });
      await consumer.connect();
      open.add(consumer);
      let stopping = false;
      consumer.on(consumer.events.CRASH, (event) => {
        if (!stopping) consumerOptions.onError(event.payload.error);
      });
      await consumer.subscribe({ topic, fromBeginning: consumerOptions.from === 'earliest' });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value) consumerOptions.onMessage(message.value);
        },
      });
      return {
        async close() {
          stopping = true;
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
