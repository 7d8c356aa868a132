/**
 * LogDriver for NATS JetStream (nats.js v3: @nats-io/transport-node + @nats-io/jetstream). As Milvus's natsmq does,
 * each topic is its own stream (subject = topic). Sends resolve with their PubAck (pipelined by default: many
 * outstanding on one connection); consumers are durable pull consumers delivering from the first message with explicit
 * acks.
 */
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { createInbox, nanos, type NatsConnection } from '@nats-io/transport-node';
import { errorMessage } from '../../util/errors.js';
import { packageVersion } from '../../util/package-version.js';
import { inScratchTopic, calibrate } from '../perf-tool.js';
import { messagesWithin, type ConsumerOptions, type DriverDescription, type LogConsumer, type LogDriver, type LogProducer, type ReferenceProbeSpec, type ToolProbeSpec, type ToolReading } from '../driver.js';
import { natsCliAuthFlags, natsJsAuthOptions, serversWithAuth, type NatsAuth } from './auth.js';
import { runNatsBench, runNatsBenchConsume } from './bench-tool.js';
import { runPubsubReference } from '../pubsub-reference.js';
import { recycleInboundPayload, sizeInboundBuffersOnce } from './inbound-buffer.js';
import { connectWithPooledReads, READ_BYTES, SHORT_READ_BYTES, type InboundReads } from './pooled-reads.js';
import { parseWholeFramesFirst } from './whole-frames.js';
import { LARGE_CHUNK_BYTES, writeLargeFlushesUnpacked } from './outbound-writes.js';
import { PipelinedPublisher } from './pipelined-publisher.js';
import { rawCommandSender, TurnAcks, type RawCommandSender } from './turn-acks.js';
import type { NatsSettings } from './settings.js';

/** Connection details a NATS instance hands to workers. */
export interface NatsEndpoint {
  servers: string;
  /** Credentials for an external server (never written into a result). */
  auth?: NatsAuth;
  /** The server's sync_interval when mqbench configured it; undefined for external servers. */
  syncInterval?: string;
}

/** Whether nats.js's parser sizes a multi-read message's buffer once (inbound-buffer.ts), as the manifest says. */
let inboundBufferSizedOnce = false;
/** Whether nats.js writes large flushes without packing them into one copy (outbound-writes.ts). */
let largeFlushesUnpacked = false;
/** Whether nats.js's parser takes whole MSG frames on a fast path first (whole-frames.ts). */
let wholeFramesFirst = false;
/** How the connection reads its socket (pooled-reads.ts). */
let inboundReads: InboundReads = 'nats.js';

/** Connects to `endpoint` and returns a driver. */
export async function connectNats(endpoint: NatsEndpoint, settings: NatsSettings): Promise<LogDriver> {
  inboundBufferSizedOnce = sizeInboundBuffersOnce();
  largeFlushesUnpacked = writeLargeFlushesUnpacked();
  wholeFramesFirst = parseWholeFramesFirst();
  const connected = await connectWithPooledReads({ servers: endpoint.servers, name: 'mqbench', maxReconnectAttempts: 3, reconnectTimeWait: 500, ...(await natsJsAuthOptions(endpoint.auth ?? {})) });
  const connection = connected.connection;
  inboundReads = connected.reads;
  const manager = await jetstreamManager(connection);
  return new NatsDriver(connection, jetstream(connection), manager, endpoint, settings);
}

class NatsDriver implements LogDriver {
  private readonly consumers = new Set<LogConsumer>();
  private publisher: PipelinedPublisher | undefined;
  /** Sends a turn's acks, or its small publishes, as one command of PUB frames, where nats.js's protocol handler allows it. */
  private readonly commandSender: RawCommandSender | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly client: JetStreamClient,
    private readonly manager: JetStreamManager,
    private readonly endpoint: NatsEndpoint,
    private readonly settings: NatsSettings,
  ) {
    this.commandSender = rawCommandSender(connection);
  }

  async describe(): Promise<DriverDescription> {
    const info = this.connection.info;
    return {
      broker: { name: 'nats-server (JetStream)', version: info?.version ?? 'unknown' },
      client: {
        name: '@nats-io/transport-node + @nats-io/jetstream',
        version: `${packageVersion('@nats-io/transport-node')} / ${packageVersion('@nats-io/jetstream')}`,
      },
      durability: {
        syncInterval: this.endpoint.syncInterval ?? 'unknown (external server)',
        fsync: this.endpoint.syncInterval === 'always' ? 'every message' : this.endpoint.syncInterval ? `every ${this.endpoint.syncInterval}` : 'unknown',
        acknowledgedWhen: 'PubAck: the message is stored in the stream',
        storage: 'file',
        replicas: 1,
        fsyncBeforeAck: this.endpoint.syncInterval === undefined ? null : this.endpoint.syncInterval === 'always',
        fsyncSetting: 'settings.durability: fsync (sync_interval: always)',
      },
      settings: {
        maxPayload: info?.max_payload ?? null,
        streamPerTopic: true,
        consumer:
          this.settings.consumer === 'ephemeral-push'
            ? "ephemeral push consumer, explicit acks not awaited, flow control (Milvus natsmq's shape)"
            : `durable pull consumer, explicit ack per message (${this.commandSender ? "a turn's acks as one command of PUB frames, one write" : "a turn's acks in one write, each through nats.js's own ack"})`,
        consumeMaxBytes: this.settings.consumeMaxBytes,
        inboundBuffer: inboundBufferSizedOnce
          ? "a message spanning several socket reads is read into a buffer sized once from its MSG line (nats.js's own doubles as it grows), reused for a later message of its size once a workload that keeps no payload has handled it"
          : "nats.js's own (grown by doubling): its parser was not as expected, so it was left alone",
        inboundReads: {
          pooled: `socket reads into pooled ${READ_BYTES / 1024} KiB buffers; one copied whole into a message goes back to the pool, one under ${SHORT_READ_BYTES / 1024} KiB is copied out at once (Node's own: a fresh buffer per read)`,
          tls: "Node's own through TLS (a fresh buffer per read)",
          'nats.js': "Node's own (a fresh buffer per read): nats.js's transport or parser was not as expected, so it was left alone",
        }[inboundReads],
        inboundParse: wholeFramesFirst
          ? "MSG frames that lie whole in a socket read are cut by mqbench (one pass over each line); the rest by nats.js's parser"
          : "nats.js's parser (byte by byte): it was not as expected, so it was left alone",
        outboundWrites: largeFlushesUnpacked
          ? `a flush holding a payload of ${LARGE_CHUNK_BYTES / 1024} KiB or more goes to the socket chunk by chunk, corked into one writev (nats.js's own copies each flush into one buffer first)`
          : "nats.js's own (each flush copied into one buffer): its protocol handler was not as expected, so it was left alone",
        consumePull: `up to ${MAX_PULL_MESSAGES} messages a pull, fewer where they would pass consumeMaxBytes; by bytes where the message size is not known`,
        publishTimeoutMs: this.settings.publishTimeout,
        publish:
          this.settings.publish === 'pipelined'
            ? `pipelined: core publish with a reply inbox, PubAcks matched as they return (as nats bench js pub async); ${
                this.commandSender
                  ? `a turn's publishes under ${LARGE_CHUNK_BYTES / 1024} KiB framed into one buffer and handed to the connection as one command`
                  : "each through nats.js's publish (its protocol handler was not as expected)"
              }`
            : 'request: nats.js js.publish per message',
      },
      notes: [
        "a separate nats-server process reached over TCP: Milvus's natsmq (2.3–2.5, standalone only) embeds the server in Milvus's own process, so its round trips skip the loopback hop",
      ],
    };
  }

  async createTopic(topic: string): Promise<void> {
    await this.manager.streams.add({
      name: topic,
      subjects: [topic],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      num_replicas: 1,
    });
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.manager.streams.delete(topic);
  }

  async countMessages(topic: string): Promise<{ messages: number; method: string }> {
    return { messages: (await this.manager.streams.info(topic)).state.messages, method: 'JetStream stream info: state.messages' };
  }

  async producer(topic: string): Promise<LogProducer> {
    const timeout = this.settings.publishTimeout;
    const publish = this.publishFunction();
    return {
      async send(payload) {
        try {
          return await publish(topic, payload);
        } catch (error) {
          const reason = (error as Error).name === 'TimeoutError' ? `no PubAck within ${timeout} ms (settings.publishTimeout)` : errorMessage(error);
          throw new Error(`NATS publish to ${topic}: ${reason}`, { cause: error });
        }
      },
      async close() {},
    };
  }

  /** The publish path the settings ask for: both resolve with the stream sequence of the PubAck. */
  private publishFunction(): (topic: string, payload: Uint8Array) => Promise<string> {
    const timeout = this.settings.publishTimeout;
    if (this.settings.publish === 'request') {
      const client = this.client;
      return async (topic, payload) => String((await client.publish(topic, payload, { timeout })).seq);
    }
    const publisher = (this.publisher ??= new PipelinedPublisher(this.connection, timeout, this.commandSender));
    return (topic, payload) => publisher.publish(topic, payload);
  }

  probeTool(spec: ToolProbeSpec): Promise<ToolReading> {
    const auth = this.endpoint.auth ?? {};
    const servers = serversWithAuth(this.endpoint.servers, auth);
    const flags = natsCliAuthFlags(auth);
    return inScratchTopic(this, spec.topic, () =>
      calibrate(spec, { write: (messages) => runNatsBench({ ...spec, messages }, servers, flags), read: (backlog) => runNatsBenchConsume(spec, backlog, servers, flags) }),
    );
  }

  probeReference(spec: ReferenceProbeSpec): Promise<ToolReading> {
    const auth = this.endpoint.auth ?? {};
    return runPubsubReference(spec, { broker: 'nats', args: [`--url=${serversWithAuth(this.endpoint.servers, auth)}`, ...natsCliAuthFlags(auth)], publish: 'js.Publish, each awaiting its PubAck' });
  }

  async consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer> {
    const deliver_policy = options.from === 'earliest' ? DeliverPolicy.All : DeliverPolicy.New;
    const acks = new TurnAcks(this.commandSender);
    const recycles = options.payloadLifetime === 'call';
    const callback = (message: JsMsg) => {
      options.onMessage(message.data);
      acks.add(message);
      if (recycles) recycleInboundPayload(message.data);
    };
    let messages: ConsumerMessages;
    if (this.settings.consumer === 'ephemeral-push') {
      const info = await this.manager.consumers.add(topic, {
        ack_policy: AckPolicy.Explicit,
        deliver_policy,
        deliver_subject: createInbox(),
        flow_control: true,
        idle_heartbeat: nanos(5000),
      });
      messages = await (await this.client.consumers.getPushConsumer(topic, info.name)).consume({ callback });
    } else {
      await this.manager.consumers.add(topic, { durable_name: options.group, ack_policy: AckPolicy.Explicit, deliver_policy });
      const consumer = await this.client.consumers.get(topic, options.group);
      messages = await consumer.consume({ ...pullSize(this.settings.consumeMaxBytes, options.messageBytes), callback });
    }
    let stopping = false;
    void messages.closed().then((error) => {
      if (error && !stopping) options.onError(error instanceof Error ? error : new Error(String(error)));
    });
    const handle: LogConsumer = {
      close: async () => {
        stopping = true;
        acks.flush();
        await messages.close();
        this.consumers.delete(handle);
      },
    };
    this.consumers.add(handle);
    return handle;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    this.publisher?.close();
    await this.connection.drain().catch(() => this.connection.close());
  }
}

/** Messages a pull asks for at most: a 1 KiB backlog read at 100k msg/s pulled by bytes, 145–159k by 500–5,000 messages. */
const MAX_PULL_MESSAGES = 1000;

/**
 * The size of each pull: in messages where the message size is known (up to `maxBytes` of them, at most
 * MAX_PULL_MESSAGES), else in bytes (nats.js pulls by one or the other). Pulls of 1,000 messages of 1 MiB read at
 * 95 msg/s here; of 32 (32 MiB), at 440–630.
 */
export function pullSize(maxBytes: number, messageBytes: number | undefined): { max_messages: number } | { max_bytes: number } {
  if (!messageBytes) return { max_bytes: maxBytes };
  return { max_messages: messagesWithin(maxBytes, messageBytes, MAX_PULL_MESSAGES) };
}
