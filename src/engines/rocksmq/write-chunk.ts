/**
 * One write batch of the engine's group commit, as it is built. Where the store has a reusable native batch (RocksDB),
 * every put is copied into it at once and `write()` applies it on the calling thread. Elsewhere (LevelDB) small values
 * are collected and written as before (a put for a lone message, else one batch), and a large value goes into the
 * store's write batch at once, which copies it: either way the engine can encode every large value into one reused
 * buffer instead of a fresh one per message.
 */
import type { AbstractChainedBatch } from 'abstract-level';
import { SYNCED_WRITE, type KeyValueStore, type ReusableBatch } from './store.js';

type MessagePut = { type: 'put'; key: Buffer; value: Buffer };

const WRITTEN = Promise.resolve();

/** The messages of one write batch, written atomically by `write()`. */
export class WriteChunk {
  private ops: MessagePut[] = [];
  private native: AbstractChainedBatch<unknown, Buffer, Buffer> | undefined;
  /** Puts copied into the reusable batch since the last write. */
  private reusedPuts = 0;
  /** Value bytes in the chunk so far. */
  bytes = 0;

  /**
   * With `reusable`, the chunk fills that batch from its first put to its `write()` with no await between (a
   * chunk given up halfway leaves its puts there, and the next chunk's first put clears them).
   */
  constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    /** fsync the batch (the engine's sync mode). */
    private readonly sync: boolean,
    private readonly reusable?: ReusableBatch,
  ) {}

  /** True when every put is copied into the store's batch at once (its value may be reused as soon as it returns). */
  get copiesAtOnce(): boolean {
    return this.reusable !== undefined;
  }

  /** True when nothing was added since the last write. */
  get empty(): boolean {
    return this.ops.length === 0 && !this.native && this.reusedPuts === 0;
  }

  /** Adds a put whose value nothing else will change before the write. */
  add(key: Buffer, value: Buffer): void {
    if (this.reusable) return this.putNow(key, value);
    this.ops.push({ type: 'put', key, value });
    this.bytes += value.byteLength;
  }

  /** Copies a put into the store's write batch now: `value` may be overwritten as soon as this returns. */
  putNow(key: Buffer, value: Buffer): void {
    if (this.reusable) {
      if (this.reusedPuts++ === 0) this.reusable.clear();
      this.reusable.put(key, value);
    } else {
      (this.native ??= this.store.batch()).put(key, value);
    }
    this.bytes += value.byteLength;
  }

  /** Writes what was added, and starts the next chunk. */
  write(): Promise<void> {
    const { ops, native } = this;
    this.ops = [];
    this.native = undefined;
    this.bytes = 0;
    if (this.reusable) {
      this.reusedPuts = 0;
      try {
        this.reusable.write(this.sync);
        return WRITTEN;
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (native) {
      for (const { key, value } of ops) native.put(key, value);
      return this.sync ? native.write(SYNCED_WRITE) : native.write();
    }
    // A synced write is always a batch: RocksDB's binding drops the options of a put (its put writes a batch of one
    // without them), so a synced put was not synced (107 acknowledged messages lost to a power loss).
    if (this.sync) return this.store.batch(ops, SYNCED_WRITE);
    // One put for a lone produce: put() skips the batch's per-op checks, a third of its cost on LevelDB. And no
    // options object: abstract-level merges one into its defaults on every call, which made 50,000 awaited produces
    // of 1 KiB 12 % slower (2.95-3.46 s against 2.69-3.16, alternated three times).
    if (ops.length === 1) return this.store.put(ops[0]!.key, ops[0]!.value);
    return this.store.batch(ops);
  }
}
