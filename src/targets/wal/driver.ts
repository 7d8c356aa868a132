/**
 * LogDriver over the Woodpecker-style WAL (in the worker process) on S3 or a local directory. One writer per log,
 * shared by every producer of the log (the WAL fences any other writer); consumers are readers whose positions are
 * saved in the bucket under their group name.
 */
import { formatEntryId, LocalObjectStore, S3ObjectStore, SegmentFileStore, Wal, type EntryId, type LogWriter, type ObjectStore, type S3Location } from '../../engines/wal/index.js';
import { crc32Implementation } from '../../util/crc32.js';
import { mqbenchVersion, packageVersion } from '../../util/package-version.js';
import type { CeilingReading, ConsumerOptions, DriverDescription, LogConsumer, LogDriver, LogProducer } from '../driver.js';
import { probeLocalDisk, probeObjectStore } from './ceiling.js';
import type { WalSettings } from './settings.js';

/** Where a wal instance keeps its data. */
export type WalEndpoint = { backend: 'local'; root: string } | ({ backend: 's3'; server?: string } & S3Location);

const POSITION_SAVE_INTERVAL_MS = 100;

/** How the local backend lays out its blocks. */
export type LocalLayout = WalSettings['localLayout'];

/** The store of an endpoint: the bucket, or the local directory in `layout`. */
export function walStore(endpoint: WalEndpoint, layout: LocalLayout = 'file-per-segment'): ObjectStore {
  if (endpoint.backend === 's3') return new S3ObjectStore(endpoint);
  return layout === 'file-per-segment' ? new SegmentFileStore(endpoint.root) : new LocalObjectStore(endpoint.root);
}

/** Opens the WAL on the endpoint's store with the scenario's settings. */
export async function connectWal(endpoint: WalEndpoint, settings: WalSettings): Promise<WalDriver> {
  const store = walStore(endpoint, settings.localLayout);
  const wal = new Wal(store, endpoint.backend === 'local' ? 'local-fs' : 'object-storage', {
    flushIntervalMs: settings.flushInterval,
    // A block per file costs an fdatasync each: flush early only when no block is being written.
    eagerFlushBlocks: settings.eagerFlushBlocks ?? (endpoint.backend === 'local' && settings.localLayout === 'file-per-block' ? 1 : undefined),
    blockBytes: settings.blockBytes,
    maxBufferedBytes: settings.maxBufferedBytes,
    maxBufferedEntries: settings.maxBufferedEntries,
    uploadConcurrency: settings.uploadConcurrency,
    uploadAttempts: settings.uploadAttempts,
    segmentBytes: settings.segmentBytes,
    segmentBlocks: settings.segmentBlocks,
    segmentAgeMs: settings.segmentAge,
  });
  return new WalDriver(wal, endpoint, settings);
}

/** The wal driver; also probes the raw throughput of its backend. */
export class WalDriver implements LogDriver {
  private readonly writers = new Map<string, { writer: Promise<LogWriter>; users: number }>();
  private readonly consumers = new Set<LogConsumer>();
  /** Every writer this driver opened, for the size of the blocks they wrote. */
  private readonly openedWriters: LogWriter[] = [];

  constructor(
    private readonly wal: Wal,
    private readonly endpoint: WalEndpoint,
    private readonly settings: WalSettings,
  ) {}

  async describe(): Promise<DriverDescription> {
    const options = this.wal.options;
    const backend = this.endpoint.backend === 'local' ? 'local filesystem' : `S3 (${this.endpoint.server ?? this.endpoint.endpoint ?? 'AWS'})`;
    return {
      broker: { name: `mqbench WAL (Woodpecker-style) on ${backend}`, version: `mqbench ${mqbenchVersion()}` },
      client: { name: 'in-process', version: this.endpoint.backend === 's3' ? `@aws-sdk/client-s3 ${packageVersion('@aws-sdk/client-s3')}` : 'node:fs' },
      durability: {
        acknowledgedWhen:
          this.endpoint.backend === 'local'
            ? this.settings.localLayout === 'file-per-segment'
              ? "its block is appended to the segment's file and fdatasynced (blocks queued meanwhile share the next write and fdatasync), and every earlier block is too"
              : 'its block file is written, fdatasynced and linked into place (directory fsynced), and every earlier block is too'
            : 'its block object is created (S3 PUT with If-None-Match: *), and every earlier block is too',
        store: this.wal.store.description,
        metadata: 'in the bucket (footers, reader positions, truncation point); no separate metadata service',
        // fdatasync on local disk; on S3 a PUT is acknowledged once the object is stored durably.
        fsyncBeforeAck: true,
      },
      settings: {
        flushIntervalMs: options.flushIntervalMs,
        eagerFlushBlocks: options.eagerFlushBlocks,
        blockBytes: options.blockBytes,
        maxBufferedBytes: options.maxBufferedBytes,
        maxBufferedEntries: options.maxBufferedEntries,
        uploadConcurrency: options.uploadConcurrency,
        uploadAttempts: options.uploadAttempts,
        segmentBytes: options.segmentBytes,
        segmentBlocks: options.segmentBlocks,
        segmentAgeMs: options.segmentAgeMs,
        blockChecksum: `CRC-32 by ${crc32Implementation}`,
        ...(this.endpoint.backend === 'local' ? { localLayout: this.settings.localLayout } : {}),
      },
      notes: ['the WAL engine runs inside the trial\'s worker process; with the s3 backend the "broker" figures are the S3 server (MinIO)'],
    };
  }

  createTopic(topic: string): Promise<void> {
    return this.wal.createLog(topic);
  }

  deleteTopic(topic: string): Promise<void> {
    return this.wal.deleteLog(topic);
  }

  async producer(topic: string): Promise<LogProducer> {
    let shared = this.writers.get(topic);
    if (!shared) {
      shared = { writer: this.wal.openWriter(topic), users: 0 };
      this.writers.set(topic, shared);
    }
    shared.users += 1;
    const writer = await shared.writer;
    if (!this.openedWriters.includes(writer)) this.openedWriters.push(writer);
    let closed = false;
    return {
      send: async (payload) => formatEntryId(await writer.append(payload)),
      close: async () => {
        if (closed) return;
        closed = true;
        shared.users -= 1;
        if (shared.users === 0) {
          this.writers.delete(topic);
          await writer.close();
        }
      },
    };
  }

  async consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer> {
    const saved = await this.wal.readerPosition(topic, options.group);
    const reader = await this.wal.openReader(topic, saved ?? options.from);
    const stop = new AbortController();
    let position: EntryId | undefined;
    let savedPosition: EntryId | undefined;
    const save = async () => {
      if (position && position !== savedPosition) {
        savedPosition = position;
        await this.wal.saveReaderPosition(topic, options.group, position);
      }
    };
    const timer = setInterval(() => void save().catch(() => undefined), POSITION_SAVE_INTERVAL_MS);
    const loop = (async () => {
      while (!stop.signal.aborted) {
        for (const entry of await reader.next(stop.signal)) {
          if (stop.signal.aborted) return;
          options.onMessage(entry.payload);
          position = { segment: entry.id.segment, entry: entry.id.entry + 1 };
        }
      }
    })().catch((error: unknown) => {
      if (!stop.signal.aborted) options.onError(error instanceof Error ? error : new Error(String(error)));
    });
    const consumer: LogConsumer = {
      close: async () => {
        stop.abort();
        clearInterval(timer);
        await loop;
        await save().catch(() => undefined);
        this.consumers.delete(consumer);
      },
    };
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    await Promise.all([...this.writers.values()].map(async (shared) => (await shared.writer).close()));
    await this.wal.close();
  }

  /**
   * The raw throughput of the same backend, for the ratio the WAL reaches, written in objects (or chunks) of the mean
   * size of the blocks the WAL wrote: 1 MiB entries make blocks of one entry each under a 2 MiB block limit.
   */
  async probeCeiling(): Promise<CeilingReading> {
    const options = this.wal.options;
    const blocks = this.openedWriters.reduce((sum, writer) => sum + writer.written.blocks, 0);
    const bytes = this.openedWriters.reduce((sum, writer) => sum + writer.written.bytes, 0);
    const objectBytes = blocks > 0 ? Math.max(1, Math.round(bytes / blocks)) : options.blockBytes;
    if (this.endpoint.backend === 'local') return probeLocalDisk(this.endpoint.root, objectBytes, this.settings.ceilingSeconds, options.uploadConcurrency);
    return probeObjectStore(this.wal.store, objectBytes, options.uploadConcurrency, this.settings.ceilingSeconds);
  }
}
