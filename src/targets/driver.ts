/**
 * The LogDriver seam: what every log target implements (a vector store implements ./vector-store.ts instead).
 * Drivers are small and dumb — they move bytes and report their settings; they do no timing and no verification (the
 * harness does both, through the envelope). What they report is part of the result file, so its shapes are zod schemas.
 */
import { z } from 'zod';
import type { PageCacheSettle } from '../util/page-cache.js';

/** Sends messages to one topic. */
export interface LogProducer {
  /**
   * Sends one message and resolves when the broker has accepted it durably by its stated policy, with the broker's
   * id for it. The harness may reuse `payload`'s memory once this resolves: a driver must not keep a reference.
   */
  send(payload: Uint8Array): Promise<string>;
  close(): Promise<void>;
}

/** Where a new consumer starts reading. */
export type StartPosition = 'earliest' | 'latest';

/** How a consumer is subscribed and where its messages go. */
export interface ConsumerOptions {
  /** Consumer group (subscription) name; positions are kept per group. */
  group: string;
  from: StartPosition;
  /** Called for each message in delivery order; the driver acknowledges the message after this returns. */
  onMessage(payload: Uint8Array): void;
  /** Called when the consumer fails after it was created (connection lost, broker gone). */
  onError(error: Error): void;
  /** The size of the messages the workload sends, when it knows: a hint for drivers that size fetches in messages. */
  messageBytes?: number;
  /**
   * `call`: `onMessage` reads a payload only while it runs and keeps no reference to it, so a driver may reuse the
   * payload's memory for a later message. Unset, payloads are the workload's to keep.
   */
  payloadLifetime?: 'call';
}

/**
 * How many messages of `messageBytes` a fetch (pull, permits, buffer) may ask for: at most `cap`, and no more than fit
 * in `bytes`, but at least one.
 */
export function messagesWithin(bytes: number, messageBytes: number, cap: number): number {
  return Math.max(1, Math.min(cap, Math.floor(bytes / messageBytes)));
}

/** A running consumer. */
export interface LogConsumer {
  close(): Promise<void>;
}

/** A setting value as recorded in the manifest. */
export const settingValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A setting's value as the manifest records it. */
export type SettingValue = z.infer<typeof settingValueSchema>;

/** What a connected driver says about itself, for the manifest: versions and the settings actually in force. */
export const driverDescriptionSchema = z.object({
  broker: z.object({ name: z.string(), version: z.string() }),
  client: z.object({ name: z.string(), version: z.string() }),
  /**
   * Durability in force: fsync policy, acks, replication. Every target also says `fsyncBeforeAck` (true: a send is
   * acknowledged only after its data was fsynced; false: from the OS page cache; null: unknown) and, where it has
   * one, `fsyncSetting`: the scenario setting that makes it true. Reports warn when compared targets differ.
   */
  durability: z.object({ fsyncBeforeAck: z.boolean().nullable(), fsyncSetting: z.string().optional() }).catchall(settingValueSchema),
  /** Other settings in force: batching, compression, limits. */
  settings: z.record(z.string(), settingValueSchema),
  /** Caveats a reader of the results must know (e.g. "Pulsar via WebSocket, not the native protocol"). */
  notes: z.array(z.string()),
});

/** What a connected driver says about itself. */
export type DriverDescription = z.infer<typeof driverDescriptionSchema>;

/** What every connected target is: it describes itself and closes. A log driver or a vector store (vector-store.ts). */
export interface TargetConnection {
  describe(): Promise<DriverDescription>;
  close(): Promise<void>;
}

/** A connection to one target. */
export interface LogDriver extends TargetConnection {
  createTopic(topic: string): Promise<void>;
  deleteTopic(topic: string): Promise<void>;
  producer(topic: string): Promise<LogProducer>;
  consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer>;
  /**
   * Optional: closes the connection and deletes everything it stored (an embedded store opened for one trial).
   * Used for cleanup instead of deleting topics one by one, which in LevelDB only writes tombstones.
   */
  discard?(): Promise<void>;
  /**
   * Optional: registers consumer group `group` at the earliest position before any consumer opens, so the broker keeps
   * what is written meanwhile for it. Needed where data no subscription needs is deleted (Pulsar, without retention).
   */
  registerGroup?(topic: string, group: string): Promise<void>;
  /**
   * Optional: runs the broker's own perf tool (Kafka's ProducerPerformance, `nats bench`, pulsar-perf) against the same
   * broker with the trial's message size and a comparable concurrency, so mqbench's client can be given as a ratio to
   * it. Creates and deletes its own topic.
   */
  probeTool?(spec: ToolProbeSpec): Promise<ToolReading>;
  /**
   * Optional: the pub/sub operation through the Go client Milvus uses, against the same broker (ReferenceProbeSpec).
   * Its msg/s is messages per operation over its median seconds per operation, so the ratio compares round trips.
   */
  probeReference?(spec: ReferenceProbeSpec): Promise<ToolReading>;
  /**
   * Optional: how many messages the broker says `topic` holds, asked through its admin interface rather than read by
   * a consumer — an independent check of a read-back (Kafka's offsets, a JetStream stream's state).
   */
  countMessages?(topic: string): Promise<{ messages: number; method: string }>;
  /** Optional: the raw throughput of the storage underneath (e.g. the WAL's bucket or disk), for ratios. */
  probeCeiling?(): Promise<CeilingReading>;
}

/** A measured raw backend throughput. */
export const ceilingReadingSchema = z.object({
  method: z.string(),
  megabytesPerSec: z.number(),
  objectBytes: z.number(),
  parallelism: z.number(),
  seconds: z.number(),
  bytes: z.number(),
});

/** A measured raw backend throughput. */
export type CeilingReading = z.infer<typeof ceilingReadingSchema>;

/** What the broker's own perf tool is asked to do: the trial's message size, count and concurrency. */
export interface ToolProbeSpec {
  /** Bytes per message, as mqbench sent them (envelope included). */
  messageBytes: number;
  messages: number;
  /** Sends outstanding at once over all producers (closed loop), or the tool's default depth. */
  concurrency: number;
  producers: number;
  /** The probe fails after this long. */
  timeoutMs: number;
  /** A name for the probe's own topic. */
  topic: string;
  /**
   * Writes message `index` of the trial, as its producers built it (envelope and body, `messageBytes` long), into
   * `into`. A calibration whose cost depends on the bytes writes these: the raw store writes, as RocksDB and LevelDB
   * compress what they store (one value repeated compresses to almost nothing). The brokers' own tools write their own
   * payloads, which Kafka, NATS and Pulsar store as they come.
   */
  writeMessage?: (index: number, into: Buffer) => void;
  /**
   * The trial read a backlog back after its writes (stream, `consumer: after`): the tool's consumer then reads the
   * same backlog (the trial's `topic`, all `messages` of it, through `group`, which the workload registered before
   * its writes where the broker needs that), for the read side's ratio. Same messages, same layout on disk.
   */
  readBack?: ToolReadBackSpec;
  /**
   * The trial's warm-up acknowledged this many messages before its measured window: the tool first sends as many
   * into its own topic, unmeasured, so both measured windows start on a topic (and a disk) in the same state.
   */
  warmupMessages?: number;
  /**
   * Deletes the trial's topic once the tool has read it back, before the tool writes: the trial wrote into the space
   * the previous trial's topics freed, and so does the tool then (absent when the run keeps its data).
   */
  dropTrialTopic?: () => Promise<void>;
  /** Settles the page cache (bounded) before the tool's measured writes, as before the trial's measured window. */
  settle?: () => Promise<PageCacheSettle>;
  signal: AbortSignal;
}

/**
 * A pub/sub trial's reference run (`reference: true`): the trial's operation — a fresh topic, a consumer from the
 * first message, `messages` sends one after another each awaiting its acknowledgement — through the Go client
 * Milvus uses, against the same broker, `operations` times.
 */
export interface ReferenceProbeSpec {
  messageBytes: number;
  messages: number;
  operations: number;
  /** A prefix for the reference's own topics (one per operation). */
  topicPrefix: string;
  /** An operation fails when nothing arrives for this long; the whole run is bounded by `timeoutMs`. */
  stallTimeoutMs: number;
  timeoutMs: number;
  signal: AbortSignal;
}

/** The backlog the tool's consumer reads: the trial's own topic. */
export interface ToolReadBackSpec {
  topic: string;
  group: string;
  messages: number;
}

/** The consumer group (subscription) the perf tool reads a trial's topic through; see ToolProbeSpec.readBack. */
export function calibrationGroup(topic: string): string {
  return `${topic}-tool-reader`;
}

/** A run of the broker's own perf tool against the broker mqbench measured. */
const toolReadingFields = {
  /** e.g. "Kafka ProducerPerformance 4.3.1". */
  tool: z.string(),
  /** The command line, as run. */
  command: z.string(),
  /** The tool's settings in force that bear on the comparison (batching, linger, acks, outstanding sends). */
  settings: z.record(z.string(), settingValueSchema),
  messages: z.number(),
  messageBytes: z.number(),
  seconds: z.number(),
  messagesPerSec: z.number(),
  /** 10^6 bytes per second. */
  megabytesPerSec: z.number(),
};

/** What the broker's own perf tool measured. */
export const toolReadingSchema = z.object({
  ...toolReadingFields,
  /** The tool's consumer reading back the trial's backlog (when the spec asked for `readBack`). */
  readBack: z.object(toolReadingFields).optional(),
  /** Why the read-back could not run; the write reading still stands. */
  readBackError: z.string().optional(),
});

/** What the broker's own perf tool measured (a reading of its consumer inside, where it read back). */
export type ToolReading = z.infer<typeof toolReadingSchema>;
