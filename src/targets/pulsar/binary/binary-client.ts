/**
 * mqbench's own client of Pulsar's binary protocol (pure TypeScript: protobufjs for the commands, native CRC32C):
 * topic lookup with redirects, producers whose concurrent sends are batched into one entry as the Java client batches
 * (a lone send goes out at once), and Exclusive consumers with flow control and cumulative acks. It exists because
 * the official pulsar-client addon cannot be installed everywhere and the WebSocket API makes the broker do JSON and
 * base64 work per message. Compression, encryption, schemas, chunking and partitioned topics are not spoken.
 */
import { mqbenchVersion } from '../../../util/package-version.js';
import { messagesWithin, type ConsumerOptions, type LogConsumer, type LogProducer } from '../../driver.js';
import { SendBatcher } from '../../send-batcher.js';
import { PulsarAdmin } from '../admin.js';
import type { PulsarClientPath } from '../client.js';
import { PulsarConnection, type ConnectionListener } from './connection.js';
import { payloadFrame, simpleFrame, type Frame } from './frames.js';
import { CommandType, decodeMetadata, encodeMetadata, LookupType, types, type MessageId } from './proto.js';

/** How the binary client behaves. */
export interface BinaryClientOptions {
  serviceUrl: string;
  receiverQueueSize: number;
  /** Batch concurrent sends into one entry (as the Java client's default batching). */
  batching: boolean;
  timeoutMs: number;
  /** A token for an authenticated cluster (CONNECT with auth method "token"). */
  token?: string;
  /** The CA (PEM) a pulsar+ssl:// broker's certificate is checked against. */
  ca?: string;
}

/**
 * Entries outstanding per producer before further sends queue into the next batch; a batch that fills up leaves at
 * once while fewer than MAX_PENDING_FULL_BATCHES are outstanding. At 1 KiB, 8 makes entries of ~30 messages where 32
 * made ~8: the broker used 3.9-11.5 CPU s per trial against 7.1-16.3 (8 trials, the two alternated twice), at the
 * same write rate within the noise (29-66k msg/s against 42-59k); at 64 KiB a batch holds two messages, so it is full
 * and leaves as with 32.
 */
const MAX_PENDING_BATCHES = 8;
/** Full entries outstanding per producer (8, 32 and 64 tried at 64 KiB against pulsar-perf, A B A B: 32 was best). */
const MAX_PENDING_FULL_BATCHES = 32;
/** Bytes per batched entry (the Java client's batchingMaxBytes default); a larger message goes alone. */
const MAX_BATCH_BYTES = 128 * 1024;
const MAX_LOOKUP_HOPS = 8;

let nextHandleId = 1;

/** The binary-protocol client path. */
export function binaryClient(options: BinaryClientOptions): PulsarClientPath {
  const connections = new Map<string, Promise<PulsarConnection>>();
  const open = new Set<{ close(): Promise<void> }>();

  const connectionTo = (url: string): Promise<PulsarConnection> => {
    const existing = connections.get(url);
    if (existing) return existing;
    const opening = PulsarConnection.open(url, options.timeoutMs, options.token, options.ca);
    connections.set(url, opening);
    opening.catch(() => connections.delete(url));
    return opening;
  };
  const usable = async (url: string): Promise<PulsarConnection> => {
    const connection = await connectionTo(url);
    if (!connection.error) return connection;
    connections.delete(url);
    return connectionTo(url);
  };

  /** The connection of the broker that owns `topic`, found by lookup (following redirects). */
  const brokerFor = async (topic: string): Promise<PulsarConnection> => {
    let url = options.serviceUrl;
    let authoritative = false;
    for (let hop = 0; hop < MAX_LOOKUP_HOPS; hop++) {
      const connection = await usable(url);
      const requestId = connection.requestId();
      const response = await connection.request({ type: CommandType.LOOKUP, lookupTopic: { topic, request_id: requestId, authoritative } }, requestId);
      const answer = response.lookupTopicResponse as { response?: number; brokerServiceUrl?: string; authoritative?: boolean; proxy_through_service_url?: boolean; message?: string; error?: number };
      if (answer.response === LookupType.Failed) throw new Error(`Pulsar lookup of ${topic} failed: ${answer.message ?? answer.error}`);
      const target = answer.proxy_through_service_url ? options.serviceUrl : String(answer.brokerServiceUrl ?? url);
      if (answer.response === LookupType.Connect) return usable(target);
      url = target;
      authoritative = Boolean(answer.authoritative);
    }
    throw new Error(`Pulsar lookup of ${topic}: more than ${MAX_LOOKUP_HOPS} redirects`);
  };

  return {
    name: 'mqbench Pulsar binary protocol client',
    version: `mqbench ${mqbenchVersion()} (protocol v12)`,
    notes: [
      options.batching
        ? `binary protocol; concurrent sends batched into one entry (≤ ${MAX_BATCH_BYTES} bytes) once ${MAX_PENDING_BATCHES} entries are outstanding (a full entry leaves while fewer than ${MAX_PENDING_FULL_BATCHES} are), a lone send goes out at once`
        : 'binary protocol; one entry per message',
    ],
    async producer(topic) {
      const handle = await BinaryProducer.create(await brokerFor(PulsarAdmin.topicName(topic)), PulsarAdmin.topicName(topic), options);
      open.add(handle);
      return {
        send: (payload) => handle.send(payload),
        close: async () => {
          open.delete(handle);
          await handle.close();
        },
      } satisfies LogProducer;
    },
    async consumer(topic, consumerOptions) {
      const handle = await BinaryConsumer.create(await brokerFor(PulsarAdmin.topicName(topic)), PulsarAdmin.topicName(topic), consumerOptions, options);
      open.add(handle);
      return {
        close: async () => {
          open.delete(handle);
          await handle.close();
        },
      } satisfies LogConsumer;
    },
    async close() {
      await Promise.allSettled([...open].map((handle) => handle.close()));
      for (const connection of connections.values()) void connection.then((opened) => opened.close(), () => undefined);
      connections.clear();
    },
  };
}

interface PendingSend {
  count: number;
  resolve(ids: string[]): void;
  reject(error: Error): void;
}

/** A producer on one connection. */
class BinaryProducer implements ConnectionListener {
  private readonly pending = new Map<number, PendingSend>();
  private readonly batcher: SendBatcher;
  private nextSequence = 0;
  private failure: Error | undefined;

  private constructor(
    private readonly connection: PulsarConnection,
    private readonly id: number,
    private readonly name: string,
    options: BinaryClientOptions,
  ) {
    this.batcher = options.batching
      ? new SendBatcher((payloads) => this.sendEntry(payloads), MAX_PENDING_BATCHES, MAX_BATCH_BYTES, MAX_PENDING_FULL_BATCHES)
      : new SendBatcher((payloads) => this.sendEntry(payloads), Number.POSITIVE_INFINITY, 0);
  }

  static async create(connection: PulsarConnection, topic: string, options: BinaryClientOptions): Promise<BinaryProducer> {
    const id = nextHandleId++;
    const requestId = connection.requestId();
    const answer = await connection.request({ type: CommandType.PRODUCER, producer: { topic, producer_id: id, request_id: requestId } }, requestId);
    const producer = new BinaryProducer(connection, id, String(answer.producer_success.producer_name), options);
    connection.producers.set(id, producer);
    return producer;
  }

  send(payload: Uint8Array): Promise<string> {
    return this.failure ? Promise.reject(this.failure) : this.batcher.send(payload);
  }

  /** Sends one entry: a single message, or a batch in Pulsar's batch format; resolves with each message's id. */
  private sendEntry(payloads: Uint8Array[]): Promise<string[]> {
    if (this.failure) return Promise.reject(this.failure);
    const sequence = this.nextSequence;
    this.nextSequence += payloads.length;
    const batched = payloads.length > 1;
    const metadata = encodeMetadata({
      producer_name: this.name,
      sequence_id: sequence,
      publish_time: Date.now(),
      ...(batched ? { num_messages_in_batch: payloads.length } : {}),
    });
    const body = batched ? payloads.flatMap((payload) => batchEntry(payload)) : payloads;
    const send = { type: CommandType.SEND, send: { producer_id: this.id, sequence_id: sequence, num_messages: payloads.length } };
    return new Promise<string[]>((resolve, reject) => {
      this.pending.set(sequence, { count: payloads.length, resolve, reject });
      try {
        this.connection.write(payloadFrame(send, metadata, body));
      } catch (error) {
        this.pending.delete(sequence);
        reject(error as Error);
      }
    });
  }

  onFrame({ command }: Frame): void {
    if (command.type === CommandType.SEND_RECEIPT) {
      const receipt = command.send_receipt;
      const waiting = this.pending.get(Number(receipt.sequence_id));
      if (!waiting) return;
      this.pending.delete(Number(receipt.sequence_id));
      const id = receipt.message_id as MessageId | undefined;
      waiting.resolve(Array.from({ length: waiting.count }, (_, index) => (id ? `${id.ledgerId}:${id.entryId}:${waiting.count > 1 ? index : -1}` : '')));
    } else if (command.type === CommandType.SEND_ERROR) {
      const waiting = this.pending.get(Number(command.send_error.sequence_id));
      this.pending.delete(Number(command.send_error.sequence_id));
      waiting?.reject(new Error(`Pulsar send refused (error ${command.send_error.error}): ${command.send_error.message}`));
    }
  }

  onClosed(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.connection.producers.delete(this.id);
    this.onClosed(new Error('the producer is closed'));
    if (this.connection.error) return;
    const requestId = this.connection.requestId();
    await this.connection.request({ type: CommandType.CLOSE_PRODUCER, close_producer: { producer_id: this.id, request_id: requestId } }, requestId).catch(() => undefined);
  }
}

/** One message of a batch entry: [metadata size][SingleMessageMetadata][payload]. */
function batchEntry(payload: Uint8Array): Uint8Array[] {
  return [singleMessageHead(payload.byteLength), payload];
}

/**
 * [metadata size][SingleMessageMetadata] for a message of `size` bytes: the metadata holds only payload_size (field 3,
 * a varint), so it is encoded here; protobufjs's fromObject and encode per message cost more than the rest of a
 * 1 KiB message's send.
 */
export function singleMessageHead(size: number): Buffer {
  let varintBytes = 1;
  for (let rest = size >>> 7; rest > 0; rest >>>= 7) varintBytes += 1;
  const head = Buffer.allocUnsafe(4 + 1 + varintBytes);
  head.writeUInt32BE(1 + varintBytes, 0);
  head[4] = (3 << 3) | 0; // field 3, wire type varint
  let at = 5;
  let rest = size;
  while (rest >= 0x80) {
    head[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  head[at] = rest;
  return head;
}

/** The most bytes of messages a consumer's permits may let the broker send ahead. */
const RECEIVER_QUEUE_BYTES = 64 * 1024 * 1024;

/**
 * The permits a consumer holds: the receiver queue size, or fewer where that many messages of the workload's size
 * would pass RECEIVER_QUEUE_BYTES (1,000 of 1 MiB would be a GiB in flight; 64 of 1 KiB read a backlog at half the
 * rate of 1,000).
 */
export function receiverQueue(receiverQueueSize: number, messageBytes: number | undefined): number {
  return messageBytes ? messagesWithin(RECEIVER_QUEUE_BYTES, messageBytes, receiverQueueSize) : receiverQueueSize;
}

/** An Exclusive consumer on one connection: permits handed back as messages are processed, cumulative acks. */
class BinaryConsumer implements ConnectionListener {
  private processedSinceFlow = 0;
  private ackDue: MessageId | undefined;
  private closed = false;

  private constructor(
    private readonly connection: PulsarConnection,
    private readonly id: number,
    private readonly options: ConsumerOptions,
    private readonly queueSize: number,
  ) {}

  static async create(connection: PulsarConnection, topic: string, consumerOptions: ConsumerOptions, options: BinaryClientOptions): Promise<BinaryConsumer> {
    const id = nextHandleId++;
    const queueSize = receiverQueue(options.receiverQueueSize, consumerOptions.messageBytes);
    const consumer = new BinaryConsumer(connection, id, consumerOptions, queueSize);
    connection.consumers.set(id, consumer);
    const requestId = connection.requestId();
    try {
      await connection.request(
        { type: CommandType.SUBSCRIBE, subscribe: { topic, subscription: consumerOptions.group, subType: 0, consumer_id: id, request_id: requestId, consumer_name: `mqbench-${id}` } },
        requestId,
      );
    } catch (error) {
      connection.consumers.delete(id);
      throw error;
    }
    connection.write([simpleFrame({ type: CommandType.FLOW, flow: { consumer_id: id, messagePermits: queueSize } })]);
    return consumer;
  }

  onFrame({ command, metadata, payload }: Frame): void {
    if (this.closed || command.type !== CommandType.MESSAGE || !metadata || !payload) return;
    try {
      const meta = decodeMetadata(metadata);
      if (meta.compression) throw new Error(`Pulsar message with compression ${meta.compression}: the binary client reads uncompressed messages only`);
      const messages = meta.num_messages_in_batch === undefined ? [payload] : splitBatch(payload, meta.num_messages_in_batch);
      for (const message of messages) this.options.onMessage(message);
      this.acknowledge(command.message.message_id as MessageId, messages.length);
    } catch (error) {
      this.options.onError(error as Error);
    }
  }

  onClosed(error: Error): void {
    if (!this.closed) this.options.onError(error);
    this.closed = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.consumers.delete(this.id);
    if (this.connection.error) return;
    this.flushAck();
    const requestId = this.connection.requestId();
    await this.connection.request({ type: CommandType.CLOSE_CONSUMER, close_consumer: { consumer_id: this.id, request_id: requestId } }, requestId).catch(() => undefined);
  }

  /** Acks cumulatively once per tick (the newest entry covers the earlier ones) and returns permits in halves. */
  private acknowledge(id: MessageId, messages: number): void {
    const due = this.ackDue === undefined;
    this.ackDue = { ledgerId: id.ledgerId, entryId: id.entryId };
    if (due) process.nextTick(() => this.flushAck());
    this.processedSinceFlow += messages;
    if (this.processedSinceFlow >= Math.max(1, this.queueSize / 2)) {
      this.connection.write([simpleFrame({ type: CommandType.FLOW, flow: { consumer_id: this.id, messagePermits: this.processedSinceFlow } })]);
      this.processedSinceFlow = 0;
    }
  }

  private flushAck(): void {
    const id = this.ackDue;
    this.ackDue = undefined;
    if (!id || this.connection.error) return;
    this.connection.write([simpleFrame({ type: CommandType.ACK, ack: { consumer_id: this.id, ack_type: 1, message_id: [id] } })]);
  }
}

/** The messages of a batch entry. */
export function splitBatch(payload: Buffer, count: number): Buffer[] {
  const messages: Buffer[] = [];
  let offset = 0;
  for (let index = 0; index < count; index++) {
    const truncated = () => new Error(`Pulsar batch entry truncated at message ${index} of ${count}`);
    if (offset + 4 > payload.length) throw truncated();
    const size = payload.readUInt32BE(offset);
    const start = offset + 4 + size;
    if (start > payload.length) throw truncated();
    const single = types.SingleMessageMetadata.decode(payload.subarray(offset + 4, start)) as unknown as { payload_size: number };
    if (start + single.payload_size > payload.length) throw truncated();
    messages.push(payload.subarray(start, start + single.payload_size));
    offset = start + single.payload_size;
  }
  return messages;
}
