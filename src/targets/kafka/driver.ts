/** LogDriver for Apache Kafka: one topic per test topic, acks=all, consumer groups from the earliest offset. */
import { inScratchTopic, calibrate } from '../perf-tool.js';
import type { ConsumerOptions, DriverDescription, LogConsumer, LogDriver, LogProducer, ReferenceProbeSpec, ToolProbeSpec, ToolReading } from '../driver.js';
import { runPubsubReference } from '../pubsub-reference.js';
import { runProducerPerformance } from './producer-performance.js';
import { runConsumerPerformance } from './consumer-performance.js';
import type { KafkaClient } from './client.js';
import type { KafkaSettings } from './settings.js';
import { withClientConfig, type KafkaAuth } from './auth.js';

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

/** Connects the client library the settings choose. */
export async function connectKafka(endpoint: KafkaEndpoint, settings: KafkaSettings): Promise<LogDriver> {
  const options = { brokers: endpoint.brokers.split(','), fetchMaxBytes: settings.fetchMaxBytes, messageMaxBytes: settings.messageMaxBytes, lingerMs: settings.linger, producerProperties: settings.producerProperties, auth: endpoint.auth };
  const connect = async (library: KafkaSettings['client']) =>
    library === 'confluent' ? (await import('./confluent-client.js')).confluentClient(options) : (await import('./kafkajs-client.js')).kafkajsClient(options);
  const client = await connect(settings.client);
  const consumerLibrary = settings.consumerClient ?? settings.client;
  const consumerClient = consumerLibrary === settings.client ? client : await connect(consumerLibrary).catch(async (error: unknown) => {
    await client.close();
    throw error;
  });
  return new KafkaDriver(client, consumerClient, endpoint, settings);
}

class KafkaDriver implements LogDriver {
  constructor(
    private readonly client: KafkaClient,
    /** The client consumers use: `client` unless the settings chose another library for them. */
    private readonly consumerClient: KafkaClient,
    private readonly endpoint: KafkaEndpoint,
    private readonly settings: KafkaSettings,
  ) {}

  async describe(): Promise<DriverDescription> {
    const flush =
      this.endpoint.fsyncEveryMessage === undefined
        ? 'unknown (external cluster)'
        : this.endpoint.fsyncEveryMessage
          ? 'fsync every message (log.flush.interval.messages=1)'
          : 'OS page cache (Kafka default: no forced flush)';
    return {
      broker: { name: 'Apache Kafka (KRaft)', version: this.endpoint.version ?? 'unknown' },
      client:
        this.consumerClient === this.client
          ? { name: this.client.name, version: this.client.version }
          : { name: `${this.client.name}; consumers: ${this.consumerClient.name}`, version: `${this.client.version}; ${this.consumerClient.version}` },
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
      notes: [],
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
