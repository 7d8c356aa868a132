/** A RocksMQ-style embedded log broker on RocksDB or LevelDB: topics, ordered ids, consumer groups, retention. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { asBuffer } from '../../util/buffer-view.js';
import { KeyedMutex } from '../../util/keyed-mutex.js';
import { decodeStored, encodeValue, encodeValueInto, storedBare, type EngineMessage } from './codec.js';
import {
  assertGroupName,
  assertTopicName,
  formatOfMessageKey,
  idOfMessageKey,
  messageKey,
  messageRange,
  metaKey,
  MAX_MESSAGE_ID,
  VALUE_FORMAT,
} from './keys.js';
import { ReadCursor } from './read-cursor.js';
import { WriteChunk } from './write-chunk.js';
import { resolveOptions, type ResolvedRocksMQOptions, type RocksMQOptions } from './options.js';
import { expiredPages, newlyAckedPages, type PageRecord } from './pages.js';
import { backgroundWorkPending, createStore, getOptional, resolveStoreKind, reusableBatch, synchronousStep, SYNCED_WRITE, type KeyValueStore, type ReusableBatch, type StoreIterator, type StoreIteratorOptions, type StoreKind } from './store.js';


/**
 * The most bytes one step (nextv) of a group's store iterator reads (classic-level's highWaterMarkBytes). Past 1 MiB
 * a step costs twice as much per byte here: backlogs of 2,000 × 1 MiB and 30,000 × 64 KiB read at 1,754-1,974 and
 * 20.6-27.4k msg/s with 1 MiB steps, 893-942 and 12.6-12.8k with 4 MiB (2 MiB: 12.1-12.9k at 64 KiB; 1 KiB messages
 * read at 245-337k with 1 MiB, 277-305k with 4 MiB; runs alternated, one process each, the harness's CRC on each).
 */
export const READ_RUN_BYTES = 1024 * 1024;

/**
 * The most value bytes of one write batch of a group commit; past it, the group's next calls go into a batch of their
 * own, written concurrently on LevelDB (which itself groups concurrent writers into batches of up to 1 MiB), one after
 * another on RocksDB (whose binding applies a batch on the calling thread).
 */
const GROUP_CHUNK_BYTES = 1024 * 1024;

/**
 * A message larger than this share of the tail cache's budget (512 KiB of the default 8 MiB) is large: unless a
 * consumer group is waiting at the topic's tail, it is not cached and ends the topic's cached tail (readers take it
 * from the store, as RocksMQ's readers take every message). A group at the tail keeps them cached: reading a 5 MiB
 * message back from the store, a fresh iterator each (one 5 MiB block per level), made a tailing consumer's pub/sub
 * operation 30 % slower.
 */
const TAIL_CACHE_SHARE = 16;

/** How often settleBackgroundWork asks the stores whether they are still busy. */
const BACKGROUND_WORK_POLL_MS = 100;

/**
 * How many messages the topic's nearest consumer group has still to read (0: one has read everything written so far;
 * Infinity: the topic has no group).
 */
function messagesBehind(state: TopicState): number {
  let behind = Number.POSITIVE_INFINITY;
  for (const group of state.groups.values()) behind = Math.min(behind, Math.max(0, state.nextId - group.readNext));
  return behind;
}

/** The layout of the message keys: topic, "/", 8-byte id, the value's format byte (keys.ts). */
const MESSAGE_KEY_LAYOUT = 'topic/id/format';

/** Records the key layout in a new store; refuses a store of another layout (its keys would be misread). */
async function checkLayout(meta: MetaStore, directory: string): Promise<void> {
  const layout = await getOptional(meta, metaKey.layout);
  if (layout === MESSAGE_KEY_LAYOUT) return;
  const [topic] = await meta.keys({ gte: metaKey.allTopicsPrefix, lt: `${metaKey.allTopicsPrefix}\uffff`, limit: 1 }).all();
  if (layout !== undefined || topic !== undefined) {
    throw new Error(`${directory} holds a rocksmq store of an earlier layout (${layout ?? 'message keys without their value\'s format byte'}): start from an empty directory`);
  }
  await meta.put(metaKey.layout, MESSAGE_KEY_LAYOUT);
}

/** Waits for every one of `writes`, then throws the first failure, if any (no write is left running unobserved). */
async function settleAll(writes: Promise<void>[]): Promise<void> {
  if (writes.length === 1) return writes[0];
  const outcomes = await Promise.allSettled(writes);
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Where a new consumer group starts: the first message, after the last one, or at a given id. */
export type SubscribePosition = 'earliest' | 'latest' | { id: number; inclusive: boolean };

/** A consumed message with its id. */
export interface StoredMessage extends EngineMessage {
  id: number;
  payload: Buffer;
}

interface GroupState {
  readNext: number;
  /** Where the group reads a backlog from the store; made at its first read there. */
  cursor?: ReadCursor;
  ackedNext: number;
  persistedNext: number;
}

interface TopicState {
  nextId: number;
  /**
   * The most recent messages, oldest first from index `tailHead`, ids contiguous and ending at nextId - 1. Trimming
   * empties the slot and moves `tailHead` (slots before it are empty), and compacts the array now and then, so a
   * produce costs O(1) and a trimmed message is not kept alive by its slot.
   */
  tail: Array<StoredMessage | undefined>;
  tailHead: number;
  tailBytes: number;
  openPageBytes: number;
  pages: PageRecord[];
  groups: Map<string, GroupState>;
  waiters: Set<() => void>;
}

/** A produce call waiting for the topic's next group commit. */
interface PendingProduce {
  messages: EngineMessage[];
  resolve(ids: number[]): void;
  reject(error: unknown): void;
}

type MessageStore = KeyValueStore<Buffer, Buffer>;
type MetaStore = KeyValueStore<string, string>;
type MetaOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/**
 * The two LevelDB stores under the engine's directory. Messages have a store of their own, as RocksMQ keeps its
 * metadata in a second RocksDB: metadata keys written between messages made every memtable flush's key range overlap
 * the ones before it, so LevelDB could not place flushed tables below level 0 and compacted every message again
 * (compactions read back 786-995 MB of 1,310 MB of 64 KiB messages; 0.51-0.58 of raw writes; docs/engines.md).
 */
const STORE_DIRECTORIES = { messages: 'messages', meta: 'meta' } as const;

/** The engine. Open it with `RocksMQ.open(directory, options)`; every method is safe to call concurrently. */
export class RocksMQ {
  private readonly topics = new Map<string, TopicState>();
  private readonly locks = new KeyedMutex();
  private readonly dirtyTopics = new Set<string>();
  /** Produce calls per topic waiting for the write in progress to finish; they are written together next. */
  private readonly pendingProduces = new Map<string, PendingProduce[]>();
  private readonly committing = new Set<Promise<void>>();
  /** Topics with cached tails, least recently written first (re-inserted on every write). */
  private readonly tailOrder = new Map<string, TopicState>();
  private tailBytesTotal = 0;
  /** The buffer every large message is encoded into before its batch copies it (grown to the largest so far). */
  private scratch: Buffer | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly messages: MessageStore,
    private readonly meta: MetaStore,
    /** The settings in force, defaults filled in. */
    readonly options: ResolvedRocksMQOptions,
    /** The store the engine runs on (`options.store` resolved on this machine). */
    readonly storeKind: StoreKind,
    /** Whether consumers step their store iterators on the calling thread (RocksDB), not on libuv's thread pool. */
    readonly readsOnCallingThread: boolean,
    /** The messages store's native write batch that every produce fills and writes (RocksDB), if it has one. */
    private reusedBatch: ReusableBatch | undefined,
  ) {}

  /** Whether produces write through one native batch the engine reuses (RocksDB), not a new batch object each. */
  get writesThroughReusedBatch(): boolean {
    return this.reusedBatch !== undefined;
  }

  /** Opens (creating if needed) the engine stored in `directory`. */
  static async open(directory: string, options: RocksMQOptions = {}): Promise<RocksMQ> {
    const resolved = resolveOptions(options);
    if (existsSync(join(directory, 'CURRENT'))) {
      throw new Error(`${directory} holds a rocksmq store of an earlier layout (one LevelDB store); this engine keeps messages and metadata in two (${STORE_DIRECTORIES.messages}/, ${STORE_DIRECTORIES.meta}/): start from an empty directory`);
    }
    const storeKind = resolveStoreKind(resolved.store, resolved.compression);
    if (storeKind === 'rocksdb' && !resolved.compression) {
      throw new Error('compression: false needs store: leveldb (on RocksDB the engine runs level compaction, levels 0-1 uncompressed and ZSTD from level 2, as RocksMQ does)');
    }
    const messages = createStore<Buffer, Buffer>(storeKind, join(directory, STORE_DIRECTORIES.messages), 'buffer', resolved);
    const meta = createStore<string, string>(storeKind, join(directory, STORE_DIRECTORIES.meta), 'utf8', resolved, true);
    await messages.open();
    await meta.open().catch(async (error: unknown) => {
      await messages.close();
      throw error;
    });
    try {
      await checkLayout(meta, directory);
    } catch (error) {
      await Promise.all([messages.close(), meta.close()]);
      throw error;
    }
    const probe = messages.iterator();
    const readsOnCallingThread = synchronousStep(probe as StoreIterator<Buffer, Buffer>) !== undefined;
    await probe.close();
    const engine = new RocksMQ(messages, meta, resolved, storeKind, readsOnCallingThread, reusableBatch(messages));
    if (resolved.retentionIntervalMs > 0) {
      engine.retentionTimer = setInterval(() => void engine.runRetention().catch(() => undefined), resolved.retentionIntervalMs);
      engine.retentionTimer.unref();
    }
    return engine;
  }

  /** Creates `topic` if it does not exist. */
  async createTopic(topic: string): Promise<void> {
    assertTopicName(topic);
    await this.locks.run(topic, async () => {
      if ((await getOptional(this.meta, metaKey.topicCreated(topic))) !== undefined) return;
      await this.writeMeta([this.metaPut(metaKey.topicCreated(topic), String(Date.now()))]);
    });
  }

  /** True when `topic` exists. */
  async hasTopic(topic: string): Promise<boolean> {
    assertTopicName(topic);
    return (await getOptional(this.meta, metaKey.topicCreated(topic))) !== undefined;
  }

  /** Deletes `topic` with its messages, pages and consumer groups. */
  async destroyTopic(topic: string): Promise<void> {
    assertTopicName(topic);
    await this.locks.run(topic, async () => {
      await this.messages.clear(messageRange(topic));
      await this.meta.clear({ gte: metaKey.topicPrefix(topic), lt: `${metaKey.topicPrefix(topic)}\uffff` });
      await this.meta.clear({ gte: metaKey.groupPrefix(topic), lt: `${metaKey.groupPrefix(topic)}\uffff` });
      const state = this.topics.get(topic);
      if (state) this.dropTail(topic, state);
      await closeCursors(state);
      this.topics.delete(topic);
      this.dirtyTopics.delete(topic);
      state?.waiters.forEach((wake) => wake());
    });
  }

  /**
   * Appends `messages` and returns their ids, which are strictly increasing per topic. Calls made while a topic's
   * write is in progress are committed together in its next write batch (group commit, as LevelDB groups concurrent
   * writers), each call's messages contiguous and in call order; each call resolves once its batch is applied.
   */
  produce(topic: string, messages: EngineMessage[]): Promise<number[]> {
    this.assertOpen();
    return new Promise<number[]>((resolve, reject) => {
      const queue = this.pendingProduces.get(topic);
      if (queue) {
        queue.push({ messages, resolve, reject });
        return;
      }
      const started: PendingProduce[] = [{ messages, resolve, reject }];
      this.pendingProduces.set(topic, started);
      const committing = this.commitProduces(topic, started).finally(() => this.committing.delete(committing));
      this.committing.add(committing);
    });
  }

  /** Writes the topic's pending produce calls, a group per write batch, until none are left. */
  private async commitProduces(topic: string, queue: PendingProduce[]): Promise<void> {
    while (queue.length > 0) {
      const group = queue.splice(0, queue.length);
      try {
        const ids = await this.locks.run(topic, () => this.writeProduced(topic, group.map((call) => call.messages)));
        group.forEach((call, index) => call.resolve(ids[index]!));
      } catch (error) {
        group.forEach((call) => call.reject(error));
      }
    }
    this.pendingProduces.delete(topic);
  }

  /** Writes the messages of several produce calls in one batch; returns each call's ids. Runs under the topic lock. */
  private async writeProduced(topic: string, calls: EngineMessage[][]): Promise<number[][]> {
    const state = await this.state(topic);
    const ids: number[][] = [];
    const chunk = new WriteChunk(this.messages, this.options.sync, this.reusedBatch);
    const pageOps: MetaOp[] = [];
    const now = Date.now();
    let id = state.nextId;
    let openPageBytes = state.openPageBytes;
    const closedPages: PageRecord[] = [];
    // The messages the tail cache takes: those after the last large one (the cached tail stays contiguous).
    let stored: StoredMessage[] = [];
    let tailEnded = false;
    const writes: Promise<void>[] = [];
    // Checked before any batch leaves: a batch is written as soon as it is full.
    const count = calls.reduce((sum, messages) => sum + messages.length, 0);
    if (id + count - 1 > MAX_MESSAGE_ID) throw new Error(`topic ${topic} has run out of message ids`);
    // Large messages are cached only for a group waiting at the tail, which reads them next; any message only while a
    // group is within the cache's reach (no further behind than the cache holds of messages this size): a topic read
    // back after its writes, or by no group yet, is read from the store, and caching it only costs a buffer a message.
    const behind = messagesBehind(state);
    const largeFrom = behind === 0 ? Number.POSITIVE_INFINITY : this.options.tailCacheBytes / TAIL_CACHE_SHARE;
    for (const messages of calls) {
      const callIds: number[] = [];
      for (const message of messages) {
        const bytes = message.payload.byteLength;
        const cached = bytes <= largeFrom && behind * bytes <= this.options.tailCacheBytes;
        const format = storedBare(message) ? VALUE_FORMAT.bare : VALUE_FORMAT.enveloped;
        const bare = format === VALUE_FORMAT.bare;
        const key = messageKey(topic, id, format);
        if (!cached && (bytes > largeFrom || chunk.copiesAtOnce)) {
          // Copied into the batch at once: a bare payload as the producer holds it, an enveloped one from the engine's
          // one scratch buffer (a fresh buffer per 1 MiB message cost a fifth of a 1 MiB produce here, in page faults
          // and garbage collection).
          chunk.putNow(key, bare ? asBuffer(message.payload) : this.encodeIntoScratch(message));
        } else {
          // A buffer of its own, which the cache keeps (and LevelDB writes later, a lone small message with a plain put).
          const value = bare ? Buffer.from(message.payload) : encodeValue(message);
          chunk.add(key, value);
          if (cached) stored.push({ id, ...decodeStored(format, value) } as StoredMessage);
        }
        if (!cached) {
          stored = [];
          tailEnded = true;
        }
        callIds.push(id);
        openPageBytes += message.payload.byteLength;
        if (openPageBytes >= this.options.pageBytes) {
          const page = { endId: id, bytes: openPageBytes, closedAt: now };
          closedPages.push(page);
          pageOps.push(this.metaPut(metaKey.page(topic, id), JSON.stringify(page)));
          openPageBytes = 0;
        }
        id += 1;
      }
      ids.push(callIds);
      // A call's messages stay in one batch. Past GROUP_CHUNK_BYTES, the group's next calls go into a batch of their
      // own, sent at once: LevelDB writes one while this thread builds the next (classic-level builds a batch here).
      if (chunk.bytes >= GROUP_CHUNK_BYTES) writes.push(chunk.write());
    }
    if (!chunk.empty) writes.push(chunk.write());
    await settleAll(writes);
    // After the messages, in the other store: a crash between the two leaves the page open, and it closes (larger)
    // at the next produce after a restart, as the open page's size is summed from the messages on load.
    if (pageOps.length > 0) await this.writeMeta(pageOps);
    state.nextId = id;
    state.openPageBytes = openPageBytes;
    state.pages.push(...closedPages);
    if (tailEnded) this.dropTail(topic, state);
    this.appendTail(topic, state, stored);
    for (const wake of state.waiters) wake();
    state.waiters.clear();
    return ids;
  }

  /** Joins consumer group `group` of `topic`: a new group starts at `from`; an existing one resumes after its last ack. */
  async subscribe(topic: string, group: string, from: SubscribePosition = 'earliest'): Promise<void> {
    assertGroupName(group);
    await this.locks.run(topic, async () => {
      const state = await this.state(topic);
      const existing = state.groups.get(group);
      if (existing) {
        existing.readNext = existing.ackedNext;
        return;
      }
      const start = from === 'earliest' ? 0 : from === 'latest' ? state.nextId : from.id + (from.inclusive ? 0 : 1);
      state.groups.set(group, { readNext: start, ackedNext: start, persistedNext: start });
      await this.writeMeta([this.metaPut(metaKey.group(topic, group), JSON.stringify({ next: start }))]);
    });
  }

  /** Removes consumer group `group` from `topic`. */
  async destroyConsumerGroup(topic: string, group: string): Promise<void> {
    await this.locks.run(topic, async () => {
      const state = await this.state(topic);
      await state.groups.get(group)?.cursor?.close();
      state.groups.delete(group);
      await this.writeMeta([{ type: 'del', key: metaKey.group(topic, group) }]);
    });
  }

  /**
   * Reads up to `limit` messages (and, past the first, no more than `maxBytes` of values) from the group's position
   * and advances it past them.
   */
  async consume(topic: string, group: string, limit: number, maxBytes = Number.POSITIVE_INFINITY): Promise<StoredMessage[]> {
    this.assertOpen();
    const state = await this.state(topic);
    const position = this.group(state, topic, group);
    // Caught up: nothing to read, and no LevelDB iterator to open and close for it.
    if (position.readNext >= state.nextId) {
      await position.cursor?.release();
      return [];
    }
    const fromTail = this.readTail(state, position.readNext, limit, maxBytes);
    if (fromTail) {
      await position.cursor?.release();
      position.readNext = fromTail.at(-1)!.id + 1;
      return fromTail;
    }
    position.cursor ??= new ReadCursor((from) => this.messageIterator(topic, from));
    const entries = await position.cursor.read(position.readNext, state.nextId, limit, maxBytes, idOfMessageKey);
    const consumed = entries.map(([key, value]): StoredMessage => {
      const decoded = decodeStored(formatOfMessageKey(key), value);
      return { id: idOfMessageKey(key), payload: decoded.payload as Buffer, properties: decoded.properties };
    });
    const last = consumed.at(-1);
    if (last) position.readNext = Math.max(position.readNext, last.id + 1);
    return consumed;
  }

  /** Resolves when `topic` holds a message at or after the group's position (at once if it already does). */
  async waitForMessages(topic: string, group: string, signal?: AbortSignal): Promise<void> {
    const state = await this.state(topic);
    const position = this.group(state, topic, group);
    if (state.nextId > position.readNext || signal?.aborted || this.closed) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        signal?.removeEventListener('abort', wake);
        state.waiters.delete(wake);
        resolve();
      };
      state.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  /** Moves the group to `id` (inclusive) and persists the new position. */
  async seek(topic: string, group: string, id: number): Promise<void> {
    await this.locks.run(topic, async () => {
      const state = await this.state(topic);
      const position = this.group(state, topic, group);
      Object.assign(position, { readNext: id, ackedNext: id, persistedNext: id });
      await this.writeMeta([this.metaPut(metaKey.group(topic, group), JSON.stringify({ next: id }))]);
    });
  }

  /** Acknowledges every message of the group up to and including `id`; persisted within `ackFlushIntervalMs`. */
  ack(topic: string, group: string, id: number): void {
    const state = this.topics.get(topic);
    const position = state?.groups.get(group);
    if (!position) throw new Error(`consumer group ${group} of topic ${topic} is not subscribed`);
    if (id + 1 <= position.ackedNext) return;
    position.ackedNext = id + 1;
    this.dirtyTopics.add(topic);
    this.ackTimer ??= setTimeout(() => void this.flushAcks().catch(() => undefined), this.options.ackFlushIntervalMs);
  }

  /** Persists pending acks now, and marks pages every group has passed as acked. */
  async flushAcks(): Promise<void> {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    const topics = [...this.dirtyTopics];
    this.dirtyTopics.clear();
    for (const topic of topics) {
      await this.locks.run(topic, async () => {
        const state = this.topics.get(topic);
        if (!state) return;
        const ops: MetaOp[] = [];
        for (const [group, position] of state.groups) {
          if (position.ackedNext === position.persistedNext) continue;
          ops.push(this.metaPut(metaKey.group(topic, group), JSON.stringify({ next: position.ackedNext })));
          position.persistedNext = position.ackedNext;
        }
        const minAcked = Math.min(...[...state.groups.values()].map((group) => group.ackedNext));
        const now = Date.now();
        for (const page of newlyAckedPages(state.pages, minAcked)) {
          page.ackedAt = now;
          ops.push(this.metaPut(metaKey.page(topic, page.endId), JSON.stringify(page)));
        }
        if (ops.length > 0) await this.writeMeta(ops);
      });
    }
  }

  /** The id of the last message of `topic`, or undefined when it has none yet. */
  async latestId(topic: string): Promise<number | undefined> {
    const state = await this.state(topic);
    return state.nextId === 0 ? undefined : state.nextId - 1;
  }

  /** Deletes acked pages past the age or size limit, by range delete. Returns what it removed. */
  async runRetention(now = Date.now()): Promise<{ pages: number; bytes: number }> {
    await this.flushAcks();
    const removed = { pages: 0, bytes: 0 };
    for await (const key of this.meta.keys({ gte: metaKey.allTopicsPrefix, lt: `${metaKey.allTopicsPrefix}\uffff` })) {
      if (!key.endsWith('/created')) continue;
      const topic = key.slice(metaKey.allTopicsPrefix.length, -'/created'.length);
      await this.locks.run(topic, async () => {
        const state = await this.state(topic);
        const limits = { maxAgeMs: this.options.retentionMaxAgeMs, maxBytes: this.options.retentionMaxBytes };
        const pages = expiredPages(state.pages, limits, now);
        const last = pages.at(-1);
        if (!last) return;
        await this.messages.clear(messageRange(topic, 0, last.endId));
        const ops = pages.map((page): MetaOp => ({ type: 'del', key: metaKey.page(topic, page.endId) }));
        ops.push(this.metaPut(metaKey.deletedThrough(topic), String(last.endId)));
        await this.writeMeta(ops);
        state.pages.splice(0, pages.length);
        this.trimTail(state, (message) => message.id <= last.endId);
        removed.pages += pages.length;
        removed.bytes += pages.reduce((sum, page) => sum + page.bytes, 0);
      });
    }
    return removed;
  }

  /** Persists pending acks and closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.retentionTimer);
    while (this.committing.size > 0) await Promise.all([...this.committing]);
    await this.flushAcks();
    await this.locks.idle();
    this.closed = true;
    for (const state of this.topics.values()) {
      state.waiters.forEach((wake) => wake());
      await closeCursors(state);
    }
    await Promise.all([this.messages.close(), this.meta.close()]);
  }

  /**
   * Appends freshly written messages to the topic's in-memory tail. The cache has one byte budget for all topics:
   * past it, the least recently written topics lose their tails first, then the oldest messages of this one.
   */
  private appendTail(topic: string, state: TopicState, stored: StoredMessage[]): void {
    for (const message of stored) {
      state.tail.push(message);
      state.tailBytes += message.payload.byteLength;
      this.tailBytesTotal += message.payload.byteLength;
    }
    this.tailOrder.delete(topic);
    this.tailOrder.set(topic, state);
    for (const [other, otherState] of this.tailOrder) {
      if (this.tailBytesTotal <= this.options.tailCacheBytes || other === topic) break;
      this.dropTail(other, otherState);
    }
    this.trimTail(state, () => this.tailBytesTotal > this.options.tailCacheBytes);
  }

  /** Drops the oldest cached messages of a topic while `drop(oldest)` holds; compacts the array once half is dead. */
  private trimTail(state: TopicState, drop: (oldest: StoredMessage) => boolean): void {
    while (state.tailHead < state.tail.length && drop(state.tail[state.tailHead]!)) {
      const bytes = state.tail[state.tailHead]!.payload.byteLength;
      state.tailBytes -= bytes;
      this.tailBytesTotal -= bytes;
      state.tail[state.tailHead] = undefined;
      state.tailHead += 1;
    }
    if (state.tailHead === state.tail.length) {
      state.tail = [];
      state.tailHead = 0;
    } else if (state.tailHead >= 1024 && state.tailHead * 2 >= state.tail.length) {
      state.tail = state.tail.slice(state.tailHead);
      state.tailHead = 0;
    }
  }

  /** `message` encoded into the engine's scratch buffer (grown to the largest so far): valid until the next call. */
  private encodeIntoScratch(message: EngineMessage): Buffer {
    const value = encodeValueInto(message, this.scratch);
    if (value.length > (this.scratch?.length ?? 0)) this.scratch = value;
    return value;
  }

  /** Forgets a topic's cached tail. */
  private dropTail(topic: string, state: TopicState): void {
    this.tailBytesTotal -= state.tailBytes;
    state.tail = [];
    state.tailHead = 0;
    state.tailBytes = 0;
    this.tailOrder.delete(topic);
  }

  /** Messages from `from` on, when they are all in the tail cache; undefined when LevelDB must be read. */
  private readTail(state: TopicState, from: number, limit: number, maxBytes: number): StoredMessage[] | undefined {
    const first = state.tail[state.tailHead];
    if (!first || from < first.id || from >= state.nextId) return undefined;
    const out: StoredMessage[] = [];
    let bytes = 0;
    for (let index = state.tailHead + from - first.id; index < state.tail.length && out.length < limit; index++) {
      const message = state.tail[index]!;
      out.push(message);
      bytes += message.payload.byteLength;
      if (bytes >= maxBytes) break;
    }
    return out;
  }

  private metaPut(key: string, value: string): MetaOp {
    return { type: 'put', key, value };
  }

  /** Applies metadata operations atomically, with fsync when the engine is in sync mode. */
  private writeMeta(ops: MetaOp[]): Promise<void> {
    return this.options.sync ? this.meta.batch(ops, SYNCED_WRITE) : this.meta.batch(ops);
  }

  /**
   * Waits, at most `timeoutMs`, until neither store flushes or compacts nor has either queued: the ms waited and
   * whether the work ended, or undefined where the store does not say (LevelDB).
   */
  async settleBackgroundWork(timeoutMs: number, signal: AbortSignal): Promise<{ ms: number; settled: boolean } | undefined> {
    const busy = () => backgroundWorkPending(this.storeKind, this.messages) || backgroundWorkPending(this.storeKind, this.meta);
    if (this.storeKind !== 'rocksdb') return undefined;
    const startedAt = performance.now();
    while (!this.closed && !signal.aborted && performance.now() - startedAt < timeoutMs && busy()) {
      await new Promise((resolve) => setTimeout(resolve, BACKGROUND_WORK_POLL_MS));
    }
    return { ms: performance.now() - startedAt, settled: !this.closed && !busy() };
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the engine is closed');
  }

  /** An iterator over `topic`'s messages from id `from` on, reading runs of entries (nextv) of READ_RUN_BYTES. */
  private messageIterator(topic: string, from: number) {
    const options: StoreIteratorOptions<Buffer, Buffer> = {
      ...messageRange(topic, from),
      highWaterMarkBytes: READ_RUN_BYTES,
    };
    return this.messages.iterator(options);
  }

  private group(state: TopicState, topic: string, group: string): GroupState {
    const position = state.groups.get(group);
    if (!position) throw new Error(`consumer group ${group} of topic ${topic} is not subscribed`);
    return position;
  }

  /**
   * The payload bytes of the open page: the messages from `from` (after the last closed page) on, summed when the
   * topic is loaded, so a produce writes only its messages (no per-produce page-size record; at most one page is read).
   */
  private async openPageBytes(topic: string, from: number): Promise<number> {
    let bytes = 0;
    for await (const [key, value] of this.messages.iterator(messageRange(topic, from))) bytes += decodeStored(formatOfMessageKey(key), value).payload.byteLength;
    return bytes;
  }

  /** Loads (once) a topic's ids, open page, closed pages and groups from the store. */
  private async state(topic: string): Promise<TopicState> {
    assertTopicName(topic);
    const cached = this.topics.get(topic);
    if (cached) return cached;
    if ((await getOptional(this.meta, metaKey.topicCreated(topic))) === undefined) {
      throw new Error(`topic ${topic} does not exist`);
    }
    const [lastKey] = await this.messages.keys({ ...messageRange(topic), reverse: true, limit: 1 }).all();
    const pages: PageRecord[] = [];
    for await (const value of this.meta.values({ gte: metaKey.pagePrefix(topic), lt: `${metaKey.pagePrefix(topic)}\uffff` })) {
      pages.push(JSON.parse(value) as PageRecord);
    }
    const groups = new Map<string, GroupState>();
    const groupPrefix = metaKey.groupPrefix(topic);
    for await (const [key, value] of this.meta.iterator({ gte: groupPrefix, lt: `${groupPrefix}\uffff` })) {
      const { next } = JSON.parse(value) as { next: number };
      groups.set(key.slice(groupPrefix.length), { readNext: next, ackedNext: next, persistedNext: next });
    }
    const afterLastKey = lastKey === undefined ? 0 : idOfMessageKey(lastKey) + 1;
    const afterLastPage = (pages.at(-1)?.endId ?? -1) + 1;
    const afterDeleted = Number((await getOptional(this.meta, metaKey.deletedThrough(topic))) ?? -1) + 1;
    const state: TopicState = {
      nextId: Math.max(afterLastKey, afterLastPage, afterDeleted),
      tail: [],
      tailHead: 0,
      tailBytes: 0,
      openPageBytes: await this.openPageBytes(topic, Math.max(afterLastPage, afterDeleted)),
      pages,
      groups,
      waiters: new Set(),
    };
    const raced = this.topics.get(topic);
    if (raced) return raced;
    this.topics.set(topic, state);
    return state;
  }
}

/** Closes the store iterators of every group of a topic. */
async function closeCursors(state: TopicState | undefined): Promise<void> {
  if (state) await Promise.all([...state.groups.values()].map((group) => group.cursor?.close()));
}
