/** The small surface the Kafka driver needs from a client library; kafkajs and confluent each implement it. */
import type { KafkaAuth } from './auth.js';
import type { ConsumerOptions, LogConsumer, LogProducer, SettingValue } from '../driver.js';

/** One connected Kafka client library. */
export interface KafkaClient {
  name: string;
  version: string;
  /** What its consumers run, where that is not `name` (e.g. another process). */
  consumerName?: string;
  /** Client settings in force, for the manifest. */
  settings: Record<string, SettingValue>;
  createTopic(topic: string, partitions: number): Promise<void>;
  deleteTopic(topic: string): Promise<void>;
  /** The messages the topic holds: the sum over partitions of the high watermark minus the log start offset. */
  countMessages(topic: string): Promise<number>;
  producer(topic: string): Promise<LogProducer>;
  consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer>;
  close(): Promise<void>;
}

/** What the adapters are configured with. */
export interface KafkaClientOptions {
  brokers: string[];
  fetchMaxBytes: number;
  messageMaxBytes: number;
  /** How long a producer waits for more concurrent sends to fill a batch (Kafka's linger.ms). */
  lingerMs: number;
  /** Further producer properties (librdkafka's, for the confluent client). */
  producerProperties: Record<string, string | number | boolean>;
  /** Credentials for an external cluster. */
  auth?: KafkaAuth;
  /** confluent: consumers of messages below `readerBelowBytes` run in kafka-reader (confluent-kafka-go), not the Node binding. */
  reader?: KafkaReader;
  /** The message size from which consumers use the Node binding even with a reader (Infinity: never). */
  readerBelowBytes?: number;
}

/** A built kafka-reader and what it links. */
export interface KafkaReader {
  binary: string;
  /** e.g. "confluent-kafka-go v2.11.1 (librdkafka 2.11.1)". */
  version: string;
}

/** What an admin's fetchTopicOffsets answers: the messages between each partition's log start and high watermark. */
export function messagesBetweenOffsets(offsets: ReadonlyArray<{ high: string; low: string }>): number {
  return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
}
