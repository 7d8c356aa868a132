/**
 * The kafkajs adapter: acks=all producers whose concurrent sends share requests (kafkajs makes one request per send()
 * call, so mqbench batches what is outstanding as the Java producer does), consumer groups reading from the beginning
 * that commit their offsets every AUTO_COMMIT_INTERVAL_MS and on close, as the Java consumer and librdkafka do.
 */
import { kafkajsChecksum } from './kafkajs-native-crc.js';
import { growEncodersUnfilled, kafkajsEncoderGrowth } from './kafkajs-encoder.js';
import { kafkaJsAuthOptions } from './auth.js';
import { Kafka, logLevel, Partitioners, type Admin, type KafkaConfig } from 'kafkajs';
import { packageVersion } from '../../util/package-version.js';
import type { LogConsumer } from '../driver.js';
import { asBuffer } from '../../util/buffer-view.js';
import { errorMessage } from '../../util/errors.js';
import { messagesBetweenOffsets, type KafkaClient, type KafkaClientOptions } from './client.js';
import { SendBatcher } from '../send-batcher.js';
import { wholeResponseSockets } from './kafkajs-whole-responses.js';

/**
 * Requests outstanding per producer before sends queue into batches. One: kafkajs's concurrent send() calls can reach
 * the socket in another order than they were made (5 in flight delivered 400–840 of 5,000 messages out of order), and
 * a partition's order is part of what Kafka promises; one request at a time cost 5–10 % of write throughput.
 */
const MAX_IN_FLIGHT_REQUESTS = 1;
/** Bytes per batched request (the Java producer's max.request.size default); a larger message goes alone. */
const MAX_BATCH_BYTES = 1024 * 1024;
/**
 * How often a consumer commits its offsets: the default auto.commit.interval.ms of the Java consumer and librdkafka.
 * kafkajs's own auto-commit commits after every fetched batch and waits for it before its next fetch; that round trip
 * took 8–11 ms after each 16 MiB fetch of 22–28 ms here, and through kafkajs's own socket a 1 MiB backlog read at
 * 345–447 msg/s with it against 442–617 with commits every 5 s (npm run bench:kafkajs-read, 3 rounds).
 */
const AUTO_COMMIT_INTERVAL_MS = 5_000;

/** Connects kafkajs to the brokers. */
export async function kafkajsClient(options: KafkaClientOptions): Promise<KafkaClient> {
  growEncodersUnfilled();
  const auth = (await kafkaJsAuthOptions(options.auth)) as Pick<KafkaConfig, 'sasl' | 'ssl'>;
  // TLS and SASL connections read through kafkajs's own socket.
  const plain = !auth.sasl && !auth.ssl;
  const config = (reuseLargeResponses: boolean): KafkaConfig => ({
    clientId: 'mqbench',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, maxRetryTime: 2000 },
    ...auth,
    ...(plain ? { socketFactory: wholeResponseSockets({ reuseLargeResponses }) } : {}),
  });
  const kafka = new Kafka(config(false));
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
      autoCommit: `every ${AUTO_COMMIT_INTERVAL_MS} ms and on close (auto.commit.interval.ms's default), not after each batch as kafkajs's own`,
      consumer: 'eachBatch',
      inboundReads: plain
        ? 'each response read whole into one buffer (a consumer whose payloads are not kept reads its large responses into reused buffers)'
        : "kafkajs's own socket (TLS or SASL)",
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
      // Its own client, so that its sockets may reuse the buffers of responses whose payloads onMessage does not keep.
      const consumer = new Kafka(config(consumerOptions.payloadLifetime === 'call')).consumer({
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
      /** The offset after the last message delivered, by partition: what close commits. */
      const delivered = new Map<number, string>();
      await consumer.run({
        autoCommit: false,
        autoCommitInterval: AUTO_COMMIT_INTERVAL_MS,
        // A batch at a time: eachMessage awaits a promise per message, and read a 1 KiB backlog at 119-130k msg/s
        // against 151-174k.
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
          for (const message of batch.messages) if (message.value) consumerOptions.onMessage(message.value);
          if (batch.messages.length === 0) return;
          const last = batch.lastOffset();
          resolveOffset(last);
          delivered.set(batch.partition, (BigInt(last) + 1n).toString());
          // Commits what is resolved once AUTO_COMMIT_INTERVAL_MS has passed since the last commit, else nothing.
          await commitOffsetsIfNecessary();
        },
      });
      return {
        async close() {
          stopping = true;
          open.delete(consumer);
          const offsets = [...delivered].map(([partition, offset]) => ({ topic, partition, offset }));
          const committed = offsets.length > 0 ? consumer.commitOffsets(offsets).then(() => undefined, (error: unknown) => error) : undefined;
          const commitError = await committed;
          await consumer.disconnect();
          if (commitError) throw new Error(`Kafka consumer of ${topic} (group ${consumerOptions.group}): committing its offsets on close: ${errorMessage(commitError)}`);
        },
      };
    },
    async close() {
      await Promise.allSettled([...open].map((client) => client.disconnect()));
      await admin.disconnect();
    },
  };
}
