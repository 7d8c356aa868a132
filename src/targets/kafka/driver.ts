/** LogDriver for Apache Kafka: one topic per test topic, acks=all, consumer groups from the earliest offset. */
import { inScratchTopic, calibrate } from '../perf-tool.js';
import type { ConsumerOptions, DriverDescription, LogConsumer, LogDriver, LogProducer, ReferenceProbeSpec, ToolProbeSpec, ToolReading } from '../driver.js';
import { runPubsubReference } from '../pubsub-reference.js';
import { runProducerPerformance } from './producer-performance.js';
import { runConsumerPerformance } from './consumer-performance.js';
import type { KafkaClient, KafkaReader } from './client.js';
import type { KafkaSettings } from './settings.js';
import { withClientConfig, type KafkaAuth } from './auth.js';
import { builtKafkaReader } from './go-consumer.js';

/**
 * From this message size librdkafka's consumers run through the Node binding rather than kafka-reader: the pipe copies
 * each message three more times, which costs more than the binding's per-message work from about 4 KiB on (a backlog
 * read, 2026-12-02: kafka-reader 1.50–1.67× the binding at 1 KiB, 1.21–1.35× at 2 KiB, 0.72–1.22× at 4 KiB,
 * 0.60–0.87× at 16 KiB, 0.38–0.81× at 64 KiB and 1 MiB; docs/calibration.md).
 */
export const KAFKA_READER_BELOW_BYTES = 4096;

/** Connection details a Kafka instance hands to workers. */
export interface KafkaEndpoint {
  brokers: string;
  /** Broker version when mqbench started it; undefined for external clusters. */
  version?: string;
  /** The broker flush policy mqbench configured; undefined for external clusters. */
  fsyncEveryMessage?: boolean;
  /** Credentials for an external cluster (never written into a result). */
  auth?: KafkaAuth;
}

/** Where a target's consumers run: the client library, and for librdkafka which messages go through kafka-reader. */
export interface ConsumerPlan {
  library: 'confluent' | 'kafkajs';
  /** kafka-reader, for consumers of messages below `readerBelowBytes`. */
  reader?: KafkaReader;
  readerBelowBytes: number;
  /** The settings asked for kafka-reader where it is not built: the binding reads instead, and the manifest says so. */
  readerMissing: boolean;
}

/**
 * The consumers `settings` ask for, given kafka-reader if it is built. confluent: messages under
 * KAFKA_READER_BELOW_BYTES through kafka-reader where it is built, the others (and all where it is not) through the
 * binding; confluent-go: all through kafka-reader, which must be built; confluent-binding: all through the binding.
 */
export function planConsumers(settings: Pick<KafkaSettings, 'client' | 'consumerClient'>, built: KafkaReader | undefined): ConsumerPlan {
  const chosen = settings.consumerClient ?? settings.client;
  if (chosen === 'kafkajs') return { library: 'kafkajs', readerBelowBytes: 0, readerMissing: false };
  if (chosen === 'confluent-binding') return { library: 'confluent', readerBelowBytes: 0, readerMissing: false };
  if (chosen === 'confluent-go') {
    if (!built) throw new Error('settings.consumerClient: confluent-go runs consumers in kafka-reader, which is not built (npx mqbench install kafka builds it)');
    return { library: 'confluent', reader: built, readerBelowBytes: Number.POSITIVE_INFINITY, readerMissing: false };
  }
  return built ? { library: 'confluent', reader: built, readerBelowBytes: KAFKA_READER_BELOW_BYTES, readerMissing: false } : { library: 'confluent', readerBelowBytes: 0, readerMissing: true };
}

/** Connects the client library the settings choose. */
export async function connectKafka(endpoint: KafkaEndpoint, settings: KafkaSettings): Promise<LogDriver> {
  const chosen = settings.consumerClient ?? settings.client;
  const plan = planConsumers(settings, chosen === 'confluent' || chosen === 'confluent-go' ? await builtKafkaReader() : undefined);
  const options = { brokers: endpoint.brokers.split(','), fetchMaxBytes: settings.fetchMaxBytes, messageMaxBytes: settings.messageMaxBytes, lingerMs: settings.linger, producerProperties: settings.producerProperties, auth: endpoint.auth, reader: plan.reader, readerBelowBytes: plan.readerBelowBytes };
  const connect = async (library: 'confluent' | 'kafkajs') =>
    library === 'confluent' ? (await import('./confluent-client.js')).confluentClient(options) : (await import('./kafkajs-client.js')).kafkajsClient(options);
  const client = await connect(settings.client);
  const consumerClient = plan.library === settings.client ? client : await connect(plan.library).catch(async (error: unknown) => {
    await client.close();
    throw error;
  });
  return new KafkaDriver(client, consumerClient, endpoint, settings, plan.readerMissing);
}

class KafkaDriver implements LogDriver {
  constructor(
    private readonly client: KafkaClient,
    /** The client consumers use: `client` unless the settings chose another library for them. */
    private readonly consumerClient: KafkaClient,
    private readonly endpoint: KafkaEndpoint,
    private readonly settings: KafkaSettings,
    /** The settings asked for confluent-kafka-go consumers and kafka-reader is not built: the binding ran them. */
    private readonly readerMissing = false,
  ) {}

  async describe(): Promise<DriverDescription> {
    const flush =
      this.endpoint.fsyncEveryMessage === undefined
        ? 'unknown (external cluster)'
        : this.endpoint.fsyncEveryMessage
          ? 'fsync every message (log.flush.interval.messages=1)'
          : 'OS page cache (Kafka default: no forced flush)';
    const producerName = this.client.name;
    const consumerName = this.consumerClient.consumerName ?? this.consumerClient.name;
    return {
      broker: { name: 'Apache Kafka (KRaft)', version: this.endpoint.version ?? 'unknown' },
      client: consumerName === producerName ? { name: producerName, version: this.client.version } : { name: `${producerName}; consumers: ${consumerName}`, version: `${this.client.version}; ${this.consumerClient.version}` },
      durability: {
        acks: 'all',
        flush,
        replicationFactor: 1,
        acknowledgedWhen: 'appended by the partition leader (the only replica)',
        fsyncBeforeAck: this.endpoint.fsyncEveryMessage ?? null,
        fsyncSetting: 'settings.durability: fsync',
      },
      settings: {
        ...this.client.settings,
        ...(this.consumerClient === this.client ? {} : { consumerClient: this.consumerClient.name, consumer: this.consumerClient.settings.consumer ?? null }),
        partitions: this.settings.partitions,
        messageMaxBytes: this.settings.messageMaxBytes,
      },
      notes: this.readerMissing
        ? ['kafka-reader is not built (npx mqbench install kafka builds it): consumers ran through librdkafka\'s Node binding in the worker, which holds small-message reads near 95-125k msg/s here, rather than through confluent-kafka-go']
        : [],
    };
  }

  createTopic(topic: string): Promise<void> {
    return this.client.createTopic(topic, this.settings.partitions);
  }

  deleteTopic(topic: string): Promise<void> {
    return this.client.deleteTopic(topic);
  }

  producer(topic: string): Promise<LogProducer> {
    return this.client.producer(topic);
  }

  async countMessages(topic: string): Promise<{ messages: number; method: string }> {
    return { messages: await this.client.countMessages(topic), method: 'admin fetchTopicOffsets: high watermark − log start offset, summed over partitions' };
  }

  probeTool(spec: ToolProbeSpec): Promise<ToolReading> {
    const { brokers, auth } = this.endpoint;
    return inScratchTopic(this, spec.topic, () =>
      withClientConfig(auth, (config) =>
        calibrate(spec, {
          write: (messages) => runProducerPerformance({ ...spec, messages }, brokers, this.settings.messageMaxBytes, config),
          read: (backlog) => runConsumerPerformance(spec, brokers, backlog, config),
        }),
      ),
    );
  }

  probeReference(spec: ReferenceProbeSpec): Promise<ToolReading> {
    if (this.endpoint.auth?.sasl || this.endpoint.auth?.ssl) return Promise.reject(new Error('the Go reference (pubsub-ref) does not take SASL or TLS settings yet'));
    return runPubsubReference(spec, { broker: 'kafka', args: [`--url=${this.endpoint.brokers}`], publish: 'Produce, each awaiting its delivery report (acks=all, linger.ms 0, no compression)' });
  }

  consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer> {
    return this.consumerClient.consumer(topic, options);
  }

  async close(): Promise<void> {
    await Promise.all([this.client.close(), ...(this.consumerClient === this.client ? [] : [this.consumerClient.close()])]);
  }
}
