/**
 * The rocksmq engine's calibration: raw writes of the trial's messages, the same bytes, to the store the engine runs on
 * (RocksDB or LevelDB; both compress what they compact, so the bytes set the cost: one body repeated made the engine's
 * 1 KiB produces 1.7–2.1× as fast as the trial's distinct random bodies, `npm run bench:rocksdb-conditions`), one put
 * per message as the engine's produce() makes one write per call, from as many concurrent writers as the trial had
 * sends in flight, into a fresh store opened with the engine's own options. This is what the
 * engine could reach if it added nothing. The read side: one iterator over them in key order, as a consumer reads a
 * topic's backlog. Before the raw writes, the trial's store leaves the page cache: the trial began with it out (the
 * run's `pageCache.evict`), and a broker's tool writes after the trial's topic is deleted, its files with it. Left
 * cached, the trial's 3 GB store halved raw 1 MiB writes here (201-219 msg/s against 459-510, alternated twice).
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { READ_RUN_BYTES } from '../../engines/rocksmq/index.js';
import type { ResolvedRocksMQOptions } from '../../engines/rocksmq/options.js';
import { createStore, reusableBatch, storeDescription, synchronousStep, SYNCED_WRITE, type KeyValueStore, type StoreIteratorOptions, type StoreKind } from '../../engines/rocksmq/store.js';
import type { ToolProbeSpec, ToolReading } from '../driver.js';
import { toolReading, calibrate } from '../perf-tool.js';
import { describeEviction, evictFromPageCache } from '../../util/page-cache-evict.js';

/** The trial's store, beside which the raw writes run. */
export interface TrialStore {
  directory: string;
  /** Waits (bounded) for its flushes and compactions to end: how long, and whether they did; undefined where the store cannot tell. */
  settle?: () => Promise<{ ms: number; settled: boolean } | undefined>;
}

/** What the trial store's background work did before the raw writes, for the reading's settings. */
function describeCompactions(compactions: { ms: number; settled: boolean } | undefined): string {
  if (!compactions) return 'not known (the store does not report them)';
  const seconds = (compactions.ms / 1000).toFixed(1);
  return compactions.settled ? `none left after ${seconds} s` : `still running after ${seconds} s (the wait's bound)`;
}

/** The longest the trial's store may take to leave the page cache (its dirty pages are flushed first). */
const EVICT_TRIAL_STORE_TIMEOUT_MS = 60_000;

/**
 * Writes the trial's warm-up count of messages (unmeasured), then `spec.messages` measured, into a scratch store at
 * `directory` (removed after) and returns the rate; with
 * `spec.readBack`, then reads them all back in key order through one iterator, as a consumer of the topic would (its
 * own store, not the trial's: the engine holds that one open). `trialStore`, the trial's store, leaves the page
 * cache first.
 */
export async function probeRawLevel(spec: ToolProbeSpec, directory: string, options: ResolvedRocksMQOptions, kind: StoreKind, trialStore?: TrialStore): Promise<ToolReading> {
  // The trial's store first finishes its flushes and compactions: a trial's last seconds leave it gigabytes to compact,
  // and raw 64 KiB writes beside that ran at 723-1,002 msg/s against 2,869-3,010 once it had finished
  // (`npm run bench:rocksdb-conditions -- neighbour`).
  const compactions = await trialStore?.settle?.();
  const evicted = trialStore ? await evictFromPageCache([trialStore.directory], { timeoutMs: EVICT_TRIAL_STORE_TIMEOUT_MS, signal: spec.signal }) : undefined;
  const db = createStore<Buffer, Buffer>(kind, directory, 'buffer', options);
  await db.open();
  const tool = `raw ${storeDescription(kind)}`;
  try {
    // As the trial: its warm-up's count first, unmeasured, so both measured windows start on a store of the same size
    // (its compactions too); without a warm-up, the first fifth of the messages.
    const warmup = spec.warmupMessages || Math.floor(spec.messages / 5);
    const total = spec.warmupMessages ? spec.warmupMessages + spec.messages : spec.messages;
    const reading = await calibrate(spec, { write: () => rawWrites(db, spec, warmup, total, options, tool), read: () => rawReads(db, spec, total, tool), reads: 'own' });
    const trialStoreSettings = {
      ...(trialStore?.settle ? { trialStoreCompactions: describeCompactions(compactions) } : {}),
      ...(evicted ? { trialStoreEvicted: describeEviction(evicted) } : {}),
    };
    return { ...reading, settings: { ...reading.settings, ...trialStoreSettings } };
  } finally {
    await db.close();
    await rm(directory, { recursive: true, force: true });
  }
}

/** Writes messages 0 to `total` - 1, timed from message `warmup` on. */
async function rawWrites(db: KeyValueStore<Buffer, Buffer>, spec: ToolProbeSpec, warmup: number, total: number, options: ResolvedRocksMQOptions, tool: string): Promise<ToolReading> {
  const writeMessage = spec.writeMessage ?? randomMessages(spec.messageBytes);
  let next = 0;
  let startedAt = 0;
  // As the engine writes: through one reused native batch where the store has one (RocksDB).
  const reused = reusableBatch(db);
  const writers = Array.from({ length: spec.concurrency }, async () => {
    // The reused batch copies a put at once, so a writer fills one buffer again and again; a batch of the store's
    // own is written later, from its own buffer (as the engine encodes every message into a buffer of its own).
    const scratch = reused ? Buffer.allocUnsafe(spec.messageBytes) : undefined;
    for (let id = next++; id < total && !spec.signal.aborted; id = next++) {
      const value = scratch ?? Buffer.allocUnsafe(spec.messageBytes);
      writeMessage(id, value);
      if (reused) {
        reused.put(messageKey(id), value);
        reused.write(options.sync);
        await WRITTEN;
      } else {
        const ops = [{ type: 'put' as const, key: messageKey(id), value }];
        // As the engine writes: no options object unless it syncs (one per call made the batch path 2–3× slower here).
        await (options.sync ? db.batch(ops, SYNCED_WRITE) : db.batch(ops));
      }
      if (id === warmup) startedAt = performance.now();
    }
  });
  await Promise.all(writers);
  const seconds = (performance.now() - startedAt) / 1000;
  const measured = total - warmup;
  return toolReading({
    tool: `${tool} writes`,
    command: `${spec.concurrency} concurrent writers, one batch of one put per message (${spec.messageBytes} bytes), ${total} messages (the first ${warmup} unmeasured)${reused ? ', through one reused native batch' : ''}`,
    settings: {
      writers: spec.concurrency,
      putsPerWrite: 1,
      sync: options.sync,
      compression: options.compression,
      warmupMessages: warmup,
      batches: reused ? 'one native batch, reused' : 'a batch per write',
      values: spec.writeMessage ? "the trial's messages (envelope and body, from its payload generator and seed)" : `distinct random values of ${spec.messageBytes} bytes`,
    },
    messages: measured,
    messageBytes: spec.messageBytes,
    messagesPerSec: measured / seconds,
  });
}

const WRITTEN = Promise.resolve();

/** Entries an iterator step returns (nextv). */
const READ_BATCH = 1000;

/** All of it, timed from opening the iterator, as mqbench's read-back is timed from opening its consumer. */
async function rawReads(db: KeyValueStore<Buffer, Buffer>, spec: ToolProbeSpec, written: number, tool: string): Promise<ToolReading> {
  const startedAt = performance.now();
  // Steps of the engine's byte size: classic-level's default (16 KiB) read a 1 KiB backlog at a third of the rate.
  const iterator = db.iterator({ gte: messageKey(0), highWaterMarkBytes: READ_RUN_BYTES } as StoreIteratorOptions<Buffer, Buffer>);
  // On the calling thread where the store can (RocksDB), as the engine's consumers read.
  const step = synchronousStep(iterator);
  let read = 0;
  try {
    for (;;) {
      const entries = step ? step(READ_BATCH) : await iterator.nextv(READ_BATCH);
      if (entries.length === 0 || spec.signal.aborted) break;
      read += entries.length;
      // Synchronous steps give the event loop a turn between them (an abort, the worker's messages).
      if (step) await new Promise(setImmediate);
    }
  } finally {
    await iterator.close();
  }
  if (read < written) throw new Error(`${tool} read back ${read} of the ${written} messages written`);
  const steps = step ? 'on the calling thread' : "on libuv's thread pool";
  return toolReading({
    tool: `${tool} reads`,
    command: `one iterator over the ${read} messages in key order, ${READ_BATCH} entries or ${READ_RUN_BYTES} bytes a step (nextv, ${steps})`,
    settings: { iterators: 1, entriesPerStep: READ_BATCH, bytesPerStep: READ_RUN_BYTES, steps },
    messages: read,
    messageBytes: spec.messageBytes,
    messagesPerSec: read / ((performance.now() - startedAt) / 1000),
  });
}

/** Distinct random values where no trial's messages are given (one value repeated would compress to nothing). */
function randomMessages(bytes: number): (index: number, into: Buffer) => void {
  const pool = randomBytes(Math.max(bytes, Math.min(64 * 1024 * 1024, 1024 * bytes)));
  const values = Math.max(1, Math.floor(pool.length / bytes));
  return (index, into) => {
    const start = (index % values) * bytes;
    pool.copy(into, 0, start, start + bytes);
  };
}

function messageKey(id: number): Buffer {
  const key = Buffer.allocUnsafe(8);
  key.writeBigUInt64BE(BigInt(id));
  return key;
}
