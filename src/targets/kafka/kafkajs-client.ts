/**
 * The kafkajs adapter: acks=all producers whose concurrent sends share requests (kafkajs makes one request per send()
 * call, so mqbench batches what is outstanding as the Java producer does), consumer groups reading from the beginning
 * with auto-committed offsets.
 */
import { kafkajsChecksum } from './kafkajs-native-crc.js';
import { growEncodersUnfilled, kafkajsEncoderGrowth } from './kafkajs-encoder.js';
import { kafkaJsAuthOptions } from './auth.js';
import { Kafka, logLevel, Partitioners, type Admin, type KafkaConfig } from 'kafkajs';
import { packageVersion } from '../../util/package-version.js';
import type { LogConsumer } from '../driver.js';
import { asBuffer } from '../../util/buffer-view.js';
import { messagesBetweenOffsets, type KafkaClient, type KafkaClientOptions } from './client.js';
import { SendBatcher } from '../send-batcher.js';

/**
 * Requests outstanding per producer before sends queue into batches. One: kafkajs's concurrent send() calls can reach
 * the socket in another order than they were made (5 in flight delivered 400–840 of 5,000 messages out of order), and
 * a partition's order is part of what Kafka promises; one request at a time cost 5–10 % of write throughput.
 */
const MAX_IN_FLIGHT_REQUESTS = 1;
/** Bytes per batched request (the Java producer's max.request.size default); a larger message goes alone. */
const MAX_BATCH_BYTES = 1024 * 1024;

/** Connects kafkajs to the brokers. */
export async function kafkajsClient(options: KafkaClientOptions): Promise<KafkaClient> {
  growEncodersUnfilled();
  const kafka = new Kafka({ clientId: 'mqbench', brokers: options.brokers, logLevel: logLevel.NOTHING, retry: { retries: 3, maxRetryTime: 2000 }, ...((await kafkaJsAuthOptions(options.auth)) as Pick<KafkaConfig, 'sasl' | 'ssl'>) });
  const admin: Admin = kafka.admin();
  await admin.connect();
  const open = new Set<{ disconnect(): Promise<void> }>();
  return {
    name: 'kafkajs',
    version: packageVersion('kafkajs'),
    settings: {
      acks: 'all (-1)',
      compression: 'none',
      batching: `concurrent sends batched by mqbench: ${MAX_IN_FLIGHT_REQUESTS} request in flight per producer (kafkajs reorders concurrent requests), the sends queued meanwhile leave together (≤ ${MAX_BATCH_BYTES} bytes a request)`,
      recordBatchChecksum: kafkajsChecksum(),
      encoderGrowth: kafkajsEncoderGrowth(),
      maxBytesPerPartition: options.fetchMaxBytes,
      autoCommit: true,
      consumer: 'eachBatch',
    },
    async createTopic(topic, partitions) {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    },
    async deleteTopic(topic) {
      await admin.deleteTopics({ topics: [topic] });
    },
    async countMessages(topic) {
      return messagesBetweenOffsets(await admin.fetchTopicOffsets(topic));
    },
    async producer(topic) {
      const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      open.add(producer);
      const batcher = new SendBatcher(
        async (payloads) => {
          const metadata = await producer.send({ topic, acks: -1, messages: payloads.map((payload) => ({ value: asBuffer(payload) })) });
          // One partition: the batch's offsets are consecutive; several: the partition of each message is not reported.
          const only = metadata.length === 1 ? metadata[0]! : undefined;
          return payloads.map((_, index) => (only ? `${only.partition}:${Number(only.baseOffset) + index}` : 'batched'));
        },
        MAX_IN_FLIGHT_REQUESTS,
        MAX_BATCH_BYTES,
      );
      return {
        send: (payload) => batcher.send(payload),
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
        // A batch at a time (its offsets resolved when it returns): eachMessage awaits a promise per message, and read
        // a 1 KiB backlog at 119-130k msg/s against 151-174k.
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) if (message.value) consumerOptions.onMessage(message.value);
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
