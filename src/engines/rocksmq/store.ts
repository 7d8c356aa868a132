/**
 * The key-value stores under the rocksmq engine: RocksDB (what Milvus's RocksMQ runs on, through @nxtedition/rocksdb,
 * whose write batches are applied synchronously on the calling thread as RocksMQ's are from its goroutine) where its
 * prebuilt binding loads, else LevelDB (classic-level, whose every write is a round trip through libuv's thread pool).
 */
import { createRequire } from 'node:module';
import type { AbstractIterator, AbstractIteratorOptions, AbstractLevel } from 'abstract-level';
import { ClassicLevel } from 'classic-level';
import { packageVersion } from '../../util/package-version.js';

/** Which key-value store a rocksmq engine runs on. */
export type StoreKind = 'rocksdb' | 'leveldb';

/** `auto`: RocksDB where its binding loads on this machine and compression is on, else LevelDB. */
export type StoreChoice = StoreKind | 'auto';

/** What the engine needs of a store (the abstract-level API both bindings implement). */
export type KeyValueStore<K, V> = AbstractLevel<unknown, K, V>;

/** A store iterator (the abstract-level API both bindings implement). */
export type StoreIterator<K, V> = AbstractIterator<unknown, K, V>;

/** Range and step options of a store iterator; `highWaterMarkBytes` is the most bytes one nextv step reads. */
export type StoreIteratorOptions<K, V> = AbstractIteratorOptions<K, V> & { highWaterMarkBytes?: number };

/** How a store is tuned (the engine's options that reach the store). */
export interface StoreTuning {
  compression: boolean;
  /** Memtable size. */
  writeBufferSize: number;
  /** Table file size (LevelDB; RocksDB sizes its files from the memtable). */
  maxFileSize: number;
  /** Block cache size. */
  cacheSize: number;
}

/**
 * The write option of a synced batch, for both stores (only for a batch: RocksDB's binding drops a put's options).
 * Without sync, pass no options object: abstract-level merges one into its defaults on every call.
 */
export const SYNCED_WRITE = { sync: true } as Record<string, unknown>;

/** The npm package of each store's binding. */
export const STORE_PACKAGES: Record<StoreKind, string> = { rocksdb: '@nxtedition/rocksdb', leveldb: 'classic-level' };

type RocksLevelClass = new (location: string, options?: Record<string, unknown>) => KeyValueStore<unknown, unknown>;

let rocksLevel: { RocksLevel?: RocksLevelClass; error?: string } | undefined;

/** The RocksDB binding's class, or why it does not load here (no prebuilt binary for this platform, say). */
function loadRocksLevel(): { RocksLevel?: RocksLevelClass; error?: string } {
  if (!rocksLevel) {
    try {
      const binding = createRequire(import.meta.url)(STORE_PACKAGES.rocksdb) as { RocksLevel: RocksLevelClass };
      rocksLevel = { RocksLevel: binding.RocksLevel };
    } catch (error) {
      rocksLevel = { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
    }
  }
  return rocksLevel;
}

/**
 * The store `choice` resolves to on this machine: `auto` is RocksDB where its binding loads, unless compression is
 * off (RocksDB's levels from 2 on are always ZSTD here); a RocksDB that does not load is an error when asked for by name.
 */
export function resolveStoreKind(choice: StoreChoice, compression = true): StoreKind {
  if (choice === 'leveldb' || (choice === 'auto' && !compression)) return 'leveldb';
  const { error } = loadRocksLevel();
  if (!error) return 'rocksdb';
  if (choice === 'rocksdb') throw new Error(`store: rocksdb: ${STORE_PACKAGES.rocksdb} does not load on this machine (${error}); use store: leveldb or auto`);
  return 'leveldb';
}

/** The binding and its version, for a manifest: e.g. "RocksDB (@nxtedition/rocksdb 12.2.12)". */
export function storeDescription(kind: StoreKind): string {
  const name = kind === 'rocksdb' ? 'RocksDB' : 'LevelDB';
  return `${name} (${STORE_PACKAGES[kind]} ${packageVersion(STORE_PACKAGES[kind])})`;
}

/**
 * A closed store of `kind` at `location` with Buffer keys and values, or utf8 ones. RocksDB runs level compaction with
 * a memtable of `writeBufferSize`, its first two levels uncompressed and ZSTD from the third (as Milvus's default
 * rocksmq.compressionTypes 0,0,7,7,7); LevelDB uses snappy with compression on.
 */
export function createStore<K extends Buffer | string, V extends Buffer | string>(
  kind: StoreKind,
  location: string,
  encoding: 'buffer' | 'utf8',
  tuning: StoreTuning,
  forMetadata = false,
): KeyValueStore<K, V> {
  if (kind === 'rocksdb') {
    const { RocksLevel, error } = loadRocksLevel();
    if (!RocksLevel) throw new Error(`${STORE_PACKAGES.rocksdb} does not load: ${error}`);
    return new RocksLevel(location, {
      keyEncoding: encoding,
      valueEncoding: encoding,
      // Level compaction sets the memtable to a quarter of the budget, and levels 0-1 uncompressed, ZSTD from level 2.
      ...(forMetadata ? {} : { compaction: 'level', memtableMemoryBudget: 4 * tuning.writeBufferSize, cacheSize: tuning.cacheSize }),
      compression: tuning.compression,
    }) as unknown as KeyValueStore<K, V>;
  }
  return new ClassicLevel<K, V>(location, {
    keyEncoding: encoding,
    valueEncoding: encoding,
    compression: tuning.compression,
    ...(forMetadata ? {} : { writeBufferSize: tuning.writeBufferSize, maxFileSize: tuning.maxFileSize, cacheSize: tuning.cacheSize }),
  }) as unknown as KeyValueStore<K, V>;
}

/** The value at `key`, or undefined when there is none (RocksDB's binding throws LEVEL_NOT_FOUND there; LevelDB's returns undefined). */
export async function getOptional<K, V>(store: KeyValueStore<K, V>, key: K): Promise<V | undefined> {
  try {
    return await store.get(key);
  } catch (error) {
    if ((error as { code?: string }).code === 'LEVEL_NOT_FOUND') return undefined;
    throw error;
  }
}

/** The store's own compaction statistics table (`leveldb.stats` / `rocksdb.stats`). */
export function compactionStats<K, V>(kind: StoreKind, store: KeyValueStore<K, V>): string {
  return (store as unknown as { getProperty(name: string): string }).getProperty(`${kind}.stats`);
}

/**
 * Whether the store is flushing or compacting, or has either queued (RocksDB's properties); undefined where the store
 * does not say (LevelDB).
 */
export function backgroundWorkPending<K, V>(kind: StoreKind, store: KeyValueStore<K, V>): boolean | undefined {
  if (kind !== 'rocksdb') return undefined;
  const property = (name: string) => Number((store as unknown as { getProperty(name: string): string }).getProperty(`rocksdb.${name}`));
  return ['num-running-compactions', 'compaction-pending', 'num-running-flushes', 'mem-table-flush-pending'].some((name) => property(name) > 0);
}

/** One step of an iterator taken on the calling thread: up to `size` entries, fewer at its byte bound, none at its end. */
export type SynchronousStep = (size: number) => [key: Buffer, value: Buffer][];

const NO_OPTIONS = {};

/**
 * The synchronous step of `iterator` where its binding has one (RocksDB's nextv on the calling thread), else undefined
 * (LevelDB). On two cores, a trial's read-back through these steps ran 1.2× (1 KiB) and 1.5× (64 KiB, 1 MiB) the
 * rate of steps through libuv's thread pool with one read ahead (medians of three alternations, 2026-12-02). The step
 * bypasses abstract-level's own nextv, so its caller must not use the iterator from two calls at once (nor set a
 * `limit`, which abstract-level counts).
 */
export function synchronousStep(iterator: StoreIterator<Buffer, Buffer>): SynchronousStep | undefined {
  const native = iterator as unknown as { _nextvSync?: (size: number, options: object) => { rows: Buffer[] } };
  if (typeof native._nextvSync !== 'function') return undefined;
  return (size) => {
    const { rows } = native._nextvSync!(size, NO_OPTIONS);
    const entries: [Buffer, Buffer][] = new Array(rows.length / 2);
    for (let index = 0; index < entries.length; index++) entries[index] = [rows[2 * index]!, rows[2 * index + 1]!];
    return entries;
  };
}

/** A native write batch reused from one write to the next: `put` copies into it, `write` applies it on the calling thread. */
export interface ReusableBatch {
  put(key: Buffer, value: Buffer): void;
  /** Applies the puts since the last clear (fsyncing the write-ahead log when `sync`), then clears them. */
  write(sync: boolean): void;
  /** Drops the puts since the last write. */
  clear(): void;
}

type NativeChainedBatch = { _put(key: Buffer, value: Buffer, options: object): void; _writeSync(options?: object): void; _clear(): void };

/**
 * RocksDB's native write batch, kept for reuse, where the binding has one (else undefined: LevelDB). Each `put()`,
 * `batch()` or chained batch of abstract-level builds a new batch object with its checks and resources: 18-22 µs a
 * write of 1 KiB here, against 10-11 µs for one native batch filled, written and cleared again (50,000 awaited writes
 * each, three rounds). One batch serves the whole store, so whoever fills it must write or clear it before an await.
 */
export function reusableBatch(store: KeyValueStore<Buffer, Buffer>): ReusableBatch | undefined {
  const native = store as unknown as { _chainedBatch?: () => Partial<NativeChainedBatch> };
  if (typeof native._chainedBatch !== 'function') return undefined;
  const batch = native._chainedBatch();
  if (typeof batch._put !== 'function' || typeof batch._writeSync !== 'function' || typeof batch._clear !== 'function') return undefined;
  const { _put, _writeSync, _clear } = batch as NativeChainedBatch;
  return {
    put: (key, value) => _put.call(batch, key, value, NO_OPTIONS),
    write(sync) {
      try {
        _writeSync.call(batch, sync ? SYNCED_WRITE : undefined);
      } finally {
        _clear.call(batch);
      }
    },
    clear: () => _clear.call(batch),
  };
}
