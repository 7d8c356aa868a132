/** LogDriver over the in-process RocksMQ-style engine: one engine per trial, in the trial's directory. */
import { rm } from 'node:fs/promises';
import { READ_RUN_BYTES, RocksMQ } from '../../engines/rocksmq/index.js';
import { storeDescription, type StoreKind } from '../../engines/rocksmq/store.js';
import { mqbenchVersion } from '../../util/package-version.js';
import type { ConsumerOptions, DriverDescription, LogConsumer, LogDriver, LogProducer, ReferenceProbeSpec, ToolProbeSpec, ToolReading } from '../driver.js';
import { runRocksmqReference } from '../pubsub-reference.js';
import { probeRawLevel } from './raw-level.js';
import type { RocksmqSettings } from './settings.js';

/**
 * The most bytes one consume call returns (past its first message). Large messages held across awaits in bigger
 * batches outlive V8's young generation and cost full collections: 2,000 messages of 1 MiB read at 2,045-2,312
 * msg/s with 16 MiB a call (3-4× the GC time) and at 3,871-3,902 with 4 MiB; 64 KiB messages at 36-43k against
 * 45-46k (one engine, its store filled by 256 concurrent producers, the calls alternated).
 */
const CONSUME_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The longest the calibration waits for the trial's store to finish its flushes and compactions (16–32 s after the
 * client ceiling's 64 KiB trials here).
 */
const TRIAL_STORE_SETTLE_MS = 120_000;

/** Opens the engine in `directory` with `settings` and wraps it as a LogDriver. */
export async function connectRocksmq(directory: string, settings: RocksmqSettings): Promise<LogDriver> {
  const engine = await RocksMQ.open(directory, {
    store: settings.store,
    sync: settings.sync,
    compression: settings.compression,
    pageBytes: settings.pageBytes,
    retentionMaxAgeMs: settings.retentionMaxAge,
    retentionMaxBytes: settings.retentionMaxBytes,
    ackFlushIntervalMs: settings.ackFlushInterval,
    tailCacheBytes: settings.tailCacheBytes,
    writeBufferSize: settings.writeBufferSize,
    maxFileSize: settings.maxFileSize,
    cacheSize: settings.cacheSize,
  });
  return new RocksmqDriver(engine, settings.consumeBatch, directory);
}

/** What the compression setting means on the store that ran. */
function compressionSetting(store: StoreKind, compression: boolean): string {
  if (store === 'leveldb') return compression ? 'snappy' : 'none';
  return 'none on levels 0-1, ZSTD from level 2';
}

class RocksmqDriver implements LogDriver {
  private readonly consumers = new Set<LogConsumer>();

  constructor(
    private readonly engine: RocksMQ,
    private readonly consumeBatch: number,
    private readonly directory: string,
  ) {}

  async describe(): Promise<DriverDescription> {
    const options = this.engine.options;
    const store = storeDescription(this.engine.storeKind);
    const version = `mqbench ${mqbenchVersion()} (${store})`;
    return {
      broker: { name: `rocksmq (mqbench engine on ${this.engine.storeKind === 'rocksdb' ? 'RocksDB' : 'LevelDB'})`, version },
      client: { name: 'in-process', version },
      durability: {
        fsync: options.sync ? 'every write batch' : 'never (OS page cache)',
        acknowledgedWhen: `write batch applied to ${store}`,
        consumerPositions: `persisted within ${options.ackFlushIntervalMs} ms of an ack`,
        fsyncBeforeAck: options.sync,
        fsyncSetting: 'settings.sync: true',
      },
      settings: {
        store: this.engine.storeKind,
        storeChoice: options.store,
        compression: compressionSetting(this.engine.storeKind, options.compression),
        pageBytes: options.pageBytes,
        retentionMaxAgeMs: options.retentionMaxAgeMs,
        retentionMaxBytes: options.retentionMaxBytes,
        tailCacheBytes: options.tailCacheBytes,
        writeBufferSize: options.writeBufferSize,
        maxFileSize: options.maxFileSize,
        cacheSize: options.cacheSize,
        consumeBatch: this.consumeBatch,
        writeBatches: this.engine.writesThroughReusedBatch
          ? "one native RocksDB write batch, reused by every produce and applied on the calling thread"
          : "a batch (or a put for a lone message) per produce group, through abstract-level",
        readSteps: this.engine.readsOnCallingThread
          ? `store iterator steps of up to ${READ_RUN_BYTES} bytes on the calling thread (RocksDB's synchronous nextv)`
          : `store iterator steps of up to ${READ_RUN_BYTES} bytes on libuv's thread pool, one step read ahead`,
      },
      notes: ['embedded: the broker runs inside the trial\'s worker process, so CPU and memory are broker+client'],
    };
  }

  createTopic(topic: string): Promise<void> {
    return this.engine.createTopic(topic);
  }

  deleteTopic(topic: string): Promise<void> {
    return this.engine.destroyTopic(topic);
  }

  async producer(topic: string): Promise<LogProducer> {
    const engine = this.engine;
    return {
      async send(payload) {
        const [id] = await engine.produce(topic, [{ payload }]);
        return String(id);
      },
      async close() {},
    };
  }

  /** The engine against raw writes of the same shape to its own kind of store, beside the trial's (out of the page cache). */
  probeTool(spec: ToolProbeSpec): Promise<ToolReading> {
    const settle = () => this.engine.settleBackgroundWork(TRIAL_STORE_SETTLE_MS, spec.signal);
    return probeRawLevel(spec, `${this.directory}-raw-level`, this.engine.options, this.engine.storeKind, { directory: this.directory, settle });
  }

  /** The pub/sub operation through Milvus's own RocksMQ, with fresh stores beside the trial's (same disk). */
  probeReference(spec: ReferenceProbeSpec): Promise<ToolReading> {
    return runRocksmqReference(spec, `${this.directory}-milvus-rocksmq`);
  }

  async consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer> {
    await this.engine.subscribe(topic, options.group, options.from);
    const stop = new AbortController();
    const loop = this.consumeLoop(topic, options, stop.signal).catch((error: unknown) => {
      if (!stop.signal.aborted) options.onError(error instanceof Error ? error : new Error(String(error)));
    });
    const consumer: LogConsumer = {
      close: async () => {
        stop.abort();
        await loop;
        this.consumers.delete(consumer);
      },
    };
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    await this.engine.close();
  }

  async discard(): Promise<void> {
    await this.close();
    await rm(this.directory, { recursive: true, force: true });
  }

  private async consumeLoop(topic: string, options: ConsumerOptions, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const batch = await this.engine.consume(topic, options.group, this.consumeBatch, CONSUME_MAX_BYTES);
      if (batch.length === 0) {
        await this.engine.waitForMessages(topic, options.group, signal);
        continue;
      }
      for (const message of batch) {
        if (signal.aborted) return;
        options.onMessage(message.payload);
      }
      this.engine.ack(topic, options.group, batch.at(-1)!.id);
    }
  }
}
