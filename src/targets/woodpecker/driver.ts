/** The LogDriver over the woodpecker helper: a log per topic, appends answered once durable, readers pushed. */
import { ownPackage } from '../../util/package-version.js';
import { VERSIONS } from '../../install/versions.js';
import { join } from 'node:path';
import { S3ObjectStore } from '../../engines/wal/s3-store.js';
import type { CeilingReading, ConsumerOptions, DriverDescription, LogConsumer, LogDriver, LogProducer, ToolProbeSpec, ToolReading } from '../driver.js';
import { withTimeout } from '../../util/timeout.js';
import { probeLocalDisk, probeObjectStore } from '../wal/ceiling.js';
import { HelperConnection, OP, u32 } from './protocol.js';
import type { WoodpeckerSettings } from './settings.js';

/** What a worker gets to connect: the helper's socket and the storage in use. */
export interface WoodpeckerEndpoint {
  socket: string;
  storage: 'local' | 'minio';
  /** Where the local storage writes (its ceiling is probed beside it). */
  dataDir: string;
  /** The MinIO the helper runs, for `storage: minio` (its ceiling is probed there, in a prefix of its own). */
  minio?: { endpoint: string; bucket: string; credentials: { accessKeyId: string; secretAccessKey: string } };
}

/** How long the backend ceiling probe runs (as the WAL's default). */
const CEILING_SECONDS = 5;
/** Parallel writes of the probe (as the WAL's default upload concurrency). */
const CEILING_PARALLELISM = 16;

/** Connects a driver to the helper at `endpoint`. */
export async function connectWoodpecker(endpoint: WoodpeckerEndpoint, settings: WoodpeckerSettings): Promise<LogDriver> {
  const connection = await HelperConnection.open(endpoint.socket);
  const described = JSON.parse((await connection.request(OP.describe)).toString('utf8')) as { config?: Record<string, unknown> };
  return new WoodpeckerDriver(connection, endpoint, settings, described.config ?? {});
}

class WoodpeckerDriver implements LogDriver {
  constructor(
    private readonly connection: HelperConnection,
    private readonly endpoint: WoodpeckerEndpoint,
    private readonly settings: WoodpeckerSettings,
    private readonly inForce: Record<string, unknown>,
  ) {}

  async describe(): Promise<DriverDescription> {
    const logstore = (this.inForce.Woodpecker as { Logstore?: { SegmentSyncPolicy?: Record<string, unknown> } } | undefined)?.Logstore?.SegmentSyncPolicy ?? {};
    const local = this.endpoint.storage === 'local';
    return {
      broker: { name: `Woodpecker (embedded log store, ${this.endpoint.storage} storage)`, version: VERSIONS.woodpecker },
      client: { name: "Woodpecker's Go client through mqbench's woodpecker-helper (framed binary protocol on a unix socket)", version: ownPackage().version },
      durability: {
        // Local storage syncs each block to disk before indexing it; MinIO acknowledges an object once written.
        fsyncBeforeAck: local ? true : null,
        storage: this.endpoint.storage,
        syncIntervalMs: local ? this.settings.localSyncInterval : this.settings.syncInterval,
      },
      settings: {
        syncInterval: String(logstore.MaxInterval ?? `${this.settings.syncInterval} ms`),
        localSyncInterval: String(logstore.MaxIntervalForLocalStorage ?? `${this.settings.localSyncInterval} ms`),
        maxFlushSize: Number(logstore.MaxFlushSize ?? this.settings.maxFlushSize),
        segmentMaxSize: this.settings.segmentMaxSize,
        metadata: 'etcd embedded in the helper',
      },
      notes: [
        'the real Woodpecker (github.com/zilliztech/woodpecker) in embedded mode, not mqbench\'s Woodpecker-style `wal` engine',
        'Woodpecker does not delete logs (v0.1.29): after a trial mqbench\'s helper removes the log\'s segment files (local: emptied, then removed) or objects (MinIO: force-deleted, not to its trash); its metadata stays in etcd',
      ],
    };
  }

  async createTopic(topic: string): Promise<void> {
    await this.connection.request(OP.create, Buffer.from(topic));
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.connection.request(OP.delete, Buffer.from(topic));
  }

  async producer(topic: string): Promise<LogProducer> {
    const writer = (await this.connection.request(OP.openWriter, Buffer.from(topic))).readUInt32LE(0);
    const id = u32(writer);
    return {
      send: async (payload) => {
        const position = await this.connection.request(OP.append, id, payload);
        return `${position.readBigUInt64LE(0)}:${position.readBigUInt64LE(8)}`;
      },
      close: async () => {
        await this.connection.request(OP.closeWriter, id);
      },
    };
  }

  async consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer> {
    const reader = await this.connection.openReader(topic, options.from === 'latest' ? 'latest' : 'earliest', { onMessage: options.onMessage, onError: options.onError });
    return { close: () => this.connection.closeReader(reader) };
  }

  /**
   * Woodpecker's own writer in the helper, with no socket and no mqbench in between: the trial's message size, count
   * and sends in flight written to a log of its own (clientEfficiency is mqbench's write rate over this).
   */
  async probeTool(spec: ToolProbeSpec): Promise<ToolReading> {
    const request = Buffer.alloc(12);
    request.writeUInt32LE(spec.messageBytes, 0);
    request.writeUInt32LE(spec.messages, 4);
    request.writeUInt32LE(spec.concurrency, 8);
    // The helper creates the log itself; its data goes after, as a scratch topic's does for the other tools.
    const reply = await withTimeout(this.connection.request(OP.bench, request, Buffer.from(spec.topic)), spec.timeoutMs, "Woodpecker's in-process writer").finally(() =>
      this.deleteTopic(spec.topic).catch(() => undefined),
    );
    const seconds = reply.readDoubleLE(0);
    return {
      tool: `Woodpecker ${VERSIONS.woodpecker} writer in the helper process (WriteAsync, no socket)`,
      command: `woodpecker-helper bench: ${spec.messages} × ${spec.messageBytes} bytes, ${spec.concurrency} in flight, log ${spec.topic}`,
      settings: { inFlight: spec.concurrency, messageBytes: spec.messageBytes },
      messages: spec.messages,
      messageBytes: spec.messageBytes,
      seconds,
      messagesPerSec: spec.messages / seconds,
      megabytesPerSec: (spec.messages * spec.messageBytes) / 1e6 / seconds,
    };
  }

  /**
   * The raw backend under Woodpecker, with the same probe as the WAL's (so both share one ceiling): blocks of
   * Woodpecker's flush size written and fdatasynced to its disk, or PUT to its MinIO.
   */
  async probeCeiling(): Promise<CeilingReading> {
    const blockBytes = this.settings.maxFlushSize;
    if (this.endpoint.storage === 'local' || !this.endpoint.minio) {
      return probeLocalDisk(join(this.endpoint.dataDir, 'ceiling-probe'), blockBytes, CEILING_SECONDS, CEILING_PARALLELISM);
    }
    const store = new S3ObjectStore({ ...this.endpoint.minio, prefix: 'mqbench-ceiling-probe', forcePathStyle: true, minioForceDelete: true });
    try {
      return await probeObjectStore(store, blockBytes, CEILING_PARALLELISM, CEILING_SECONDS);
    } finally {
      await store.close();
    }
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}
