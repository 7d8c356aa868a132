/**
 * The log writer. append() buffers an entry and returns a promise; a flush (by time, ready bytes, buffered bytes or
 * entry count) cuts the buffer into blocks of at most `blockBytes`, each uploaded in parallel (bounded) as one
 * create-only-if-absent object, with retries. Acknowledgements are released strictly in block order; the first block
 * that fails fails every later one and the writer rolls to a new segment. Blocks of segment S+1 are uploaded only
 * after S's footer was created, so a writer fenced by a newer one can never write past the fence.
 */
import { Semaphore } from '../../util/semaphore.js';
import { sleep } from '../../util/clock.js';
import { BLOCK_HEADER_BYTES, decodeBlockHeader, encodeBlockParts, recordBytes } from './block.js';
import type { EntryId } from './entry-id.js';
import { makeFooter, sealSegment, type BlockIndexEntry, type SealReason } from './footer.js';
import { walKey } from './keys.js';
import { isTransient, joinParts, type ObjectStore } from './object-store.js';
import type { ResolvedWalOptions } from './options.js';

/** A newer writer fenced this one: nothing more it writes can become durable. */
export class FencedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FencedError';
  }
}

/** The writer stopped for good (a segment could not be sealed): a new writer must take over the log. */
export class WriterStoppedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WriterStoppedError';
  }
}

interface BufferedEntry {
  payload: Uint8Array;
  resolve(id: EntryId): void;
  reject(error: Error): void;
}

interface PendingBlock {
  segment: number;
  block: number;
  firstEntry: number;
  entries: BufferedEntry[];
  bytes: number;
  state: 'uploading' | 'durable' | 'failed';
  error?: Error;
  /** Its entries were already rejected (an earlier block failed): it must not be uploaded any more. */
  abandoned?: boolean;
}

interface SegmentState {
  segment: number;
  nextBlock: number;
  nextEntry: number;
  bytes: number;
  openedAt: number;
  /** Durable blocks, in order (the index the footer will hold). */
  durable: BlockIndexEntry[];
  /** Resolves once the previous segment is sealed; uploads of this segment wait for it. */
  ready: Promise<void>;
}

/** Writes one log. Create it with `Wal.openWriter`, which fences any earlier writer first. */
export class LogWriter {
  private buffer: BufferedEntry[] = [];
  private bufferedBytes = 0;
  private uploadingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending: PendingBlock[] = [];
  private readonly uploads: Semaphore;
  /** Appends waiting for buffer space, first come first served; woken one at a time (see `wakeNextWaiter`). */
  private readonly spaceWaiters: Array<() => void> = [];
  /** Rolls and closes waiting for the pending blocks to change (see `until`). */
  private readonly pendingWaiters: Array<{ condition: () => boolean; resolve: () => void }> = [];
  /** A waiter was woken and has not yet buffered its entry. */
  private admitting = false;
  private current: SegmentState;
  private fatal: Error | undefined;
  private closed = false;
  /** Data blocks made durable so far, and their bytes (headers included). */
  readonly written = { blocks: 0, bytes: 0 };

  constructor(
    private readonly store: ObjectStore,
    /** The log's name. */
    readonly log: string,
    firstSegment: number,
    private readonly options: ResolvedWalOptions,
  ) {
    this.uploads = new Semaphore(options.uploadConcurrency);
    this.current = this.newSegment(firstSegment, Promise.resolve());
  }

  /** The segment new entries go to. */
  get segment(): number {
    return this.current.segment;
  }

  /** Appends `payload` (kept by reference until it is acknowledged); resolves with its id once durable. */
  async append(payload: Uint8Array): Promise<EntryId> {
    if (this.fatal) throw this.fatal;
    if (this.closed) throw new Error(`writer of ${this.log} is closed`);
    if (!this.hasSpace() || this.spaceWaiters.length > 0 || this.admitting) {
      // Queue behind earlier waiters, so appends are buffered in the order they were made. A waiter is woken only
      // when there is space, and keeps it: only appends add bytes, and they all queue while one is being admitted.
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
      this.admitting = false;
    }
    if (this.fatal) throw this.fatal;
    if (this.closed) throw new Error(`writer of ${this.log} is closed`);
    return new Promise<EntryId>((resolve, reject) => {
      this.buffer.push({ payload, resolve, reject });
      this.bufferedBytes += recordBytes(payload.byteLength);
      if (
        this.bufferedBytes >= this.options.blockBytes ||
        this.buffer.length >= this.options.maxBufferedEntries ||
        this.bufferedBytes + this.uploadingBytes >= this.options.maxBufferedBytes ||
        this.pending.length < this.options.eagerFlushBlocks
      ) {
        this.flush();
      } else {
        this.timer ??= setTimeout(() => this.flush(), this.options.flushIntervalMs);
      }
      this.wakeNextWaiter();
    });
  }

  private hasSpace(): boolean {
    return this.bufferedBytes + this.uploadingBytes < this.options.maxBufferedBytes;
  }

  /** Cuts everything buffered into blocks and starts their uploads. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0 || this.fatal) return;
    const entries = this.buffer;
    this.buffer = [];
    this.bufferedBytes = 0;
    let block: BufferedEntry[] = [];
    let blockBytes = 0;
    for (const entry of entries) {
      const size = recordBytes(entry.payload.byteLength);
      if (block.length > 0 && blockBytes + size > this.options.blockBytes) {
        this.startBlock(block, blockBytes);
        block = [];
        blockBytes = 0;
      }
      block.push(entry);
      blockBytes += size;
    }
    if (block.length > 0) this.startBlock(block, blockBytes);
  }

  /** Flushes, waits for every acknowledgement, and seals the current segment. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    await this.settled();
    this.closed = true;
    clearTimeout(this.timer);
    this.wakeAllWaiters(); // appends still waiting fail: the writer is closed
    if (!this.fatal) await this.seal(this.current, 'close');
  }

  /** Stops without sealing or waiting (what a crash looks like); pending appends are rejected. */
  abandon(reason = 'writer abandoned'): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.failAll(new Error(reason));
  }

  private startBlock(entries: BufferedEntry[], bytes: number): void {
    const reason = this.rollReason();
    if (reason) this.roll(reason);
    const segment = this.current;
    const pending: PendingBlock = {
      segment: segment.segment,
      block: segment.nextBlock,
      firstEntry: segment.nextEntry,
      entries,
      bytes,
      state: 'uploading',
    };
    segment.nextBlock += 1;
    segment.nextEntry += entries.length;
    segment.bytes += bytes;
    this.pending.push(pending);
    this.uploadingBytes += bytes;
    void this.upload(pending, segment.ready).then(
      () => (pending.state = 'durable'),
      (error: Error) => {
        pending.state = 'failed';
        pending.error = error;
      },
    ).finally(() => {
      this.uploadingBytes -= bytes;
      this.releaseAcks();
    });
  }

  private async upload(pending: PendingBlock, ready: Promise<void>): Promise<void> {
    await ready;
    if (this.fatal) throw this.fatal;
    if (pending.abandoned) throw new Error('abandoned after an earlier block failed');
    const body = encodeBlockParts(pending.segment, pending.block, pending.firstEntry, pending.entries.map((entry) => entry.payload));
    const key = walKey.block(this.log, pending.segment, pending.block);
    await this.uploads.run(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          if (await this.store.putIfAbsent(key, body)) return;
          const existing = await this.store.get(key);
          if (existing?.equals(joinParts(body))) return; // an earlier attempt of ours landed
          const header = existing ? decodeBlockHeader(existing) : undefined;
          throw new FencedError(
            header?.kind === 'fence'
              ? `${this.log}: segment ${pending.segment} was fenced at block ${pending.block} by a newer writer`
              : `${this.log}: block ${pending.segment}/${pending.block} was written by another writer`,
          );
        } catch (error) {
          if (error instanceof FencedError || !isTransient(error) || attempt >= this.options.uploadAttempts) throw error;
          await sleep(Math.min(2000, 50 * 2 ** (attempt - 1)) * (0.5 + Math.random()));
        }
      }
    });
  }

  /** Resolves the acknowledgements of durable blocks in block order; handles the first failed block. */
  private releaseAcks(): void {
    while (this.pending.length > 0) {
      const head = this.pending[0]!;
      if (head.state === 'uploading') break;
      if (head.state === 'durable') {
        this.pending.shift();
        this.written.blocks += 1;
        this.written.bytes += BLOCK_HEADER_BYTES + head.bytes;
        head.entries.forEach((entry, index) => entry.resolve({ segment: head.segment, entry: head.firstEntry + index }));
        const state = head.segment === this.current.segment ? this.current : undefined;
        const index = { block: head.block, firstEntry: head.firstEntry, lastEntry: head.firstEntry + head.entries.length - 1, bytes: head.bytes };
        (state ?? this.sealing.get(head.segment))?.durable.push(index);
        continue;
      }
      // The first failed block fails it and every later block, whatever their upload outcome.
      const failed = this.pending.splice(0);
      const error = head.error ?? new Error('block upload failed');
      for (const block of failed) {
        block.abandoned = true;
        for (const entry of block.entries) entry.reject(error);
      }
      if (error instanceof FencedError) this.setFatal(error);
      else if (failed.some((block) => block.segment === this.current.segment)) this.roll('failure', head.block);
      break;
    }
    if (this.buffer.length > 0 && this.pending.length < this.options.eagerFlushBlocks) this.flush();
    this.checkPendingWaiters();
    this.wakeNextWaiter();
  }

  private readonly sealing = new Map<number, SegmentState>();

  private rollReason(): SealReason | undefined {
    const segment = this.current;
    if (segment.bytes >= this.options.segmentBytes) return 'size';
    if (segment.nextBlock >= this.options.segmentBlocks) return 'blocks';
    if (segment.nextBlock > 0 && Date.now() - segment.openedAt >= this.options.segmentAgeMs) return 'age';
    return undefined;
  }

  /** Moves new blocks to the next segment; they upload once the old segment's footer exists. */
  private roll(reason: SealReason, failedBlock?: number): void {
    const old = this.current;
    this.sealing.set(old.segment, old);
    const sealed = (async () => {
      // Only blocks before a failed one belong to the segment: wait until they are acknowledged, then seal.
      await this.until(() => !this.pending.some((block) => block.segment === old.segment && (failedBlock === undefined || block.block < failedBlock)));
      await this.seal(old, reason);
    })();
    sealed.catch((error: unknown) =>
      this.setFatal(
        error instanceof FencedError
          ? error
          : new WriterStoppedError(`${this.log}: sealing segment ${old.segment} failed, so this writer stopped (open a new one): ${error instanceof Error ? error.message : String(error)}`, { cause: error }),
      ),
    );
    this.current = this.newSegment(old.segment + 1, sealed);
  }

  private async seal(state: SegmentState, reason: SealReason): Promise<void> {
    this.sealing.delete(state.segment);
    const footer = makeFooter(state.segment, [...state.durable].sort((a, b) => a.block - b.block), reason);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await sealSegment(this.store, this.log, footer);
        if (!result.created && result.footer.reason === 'fenced') throw new FencedError(`${this.log}: segment ${state.segment} was sealed by a newer writer`);
        return;
      } catch (error) {
        if (error instanceof FencedError || !isTransient(error) || attempt >= this.options.uploadAttempts) throw error;
        await sleep(50 * 2 ** (attempt - 1));
      }
    }
  }

  private newSegment(segment: number, ready: Promise<void>): SegmentState {
    return { segment, nextBlock: 0, nextEntry: 0, bytes: 0, openedAt: Date.now(), durable: [], ready };
  }

  private setFatal(error: Error): void {
    this.fatal ??= error;
    this.failAll(this.fatal);
  }

  private failAll(error: Error): void {
    for (const block of this.pending.splice(0)) {
      block.abandoned = true;
      for (const entry of block.entries) entry.reject(error);
    }
    for (const entry of this.buffer.splice(0)) entry.reject(error);
    this.bufferedBytes = 0;
    this.wakeAllWaiters();
    this.checkPendingWaiters();
  }

  /**
   * Wakes the first waiting append if there is space; it wakes the next once its entry is buffered, and so on while
   * space lasts. (Waking every waiter on each acknowledgement cost O(waiters) per block: with 1000 appends in flight
   * and 256 MiB of buffer, ~750 waiters re-checked and re-queued on every 1 MiB block.)
   */
  private wakeNextWaiter(): void {
    if (this.admitting || !this.hasSpace() || this.spaceWaiters.length === 0) return;
    this.admitting = true;
    this.spaceWaiters.shift()!();
  }

  private wakeAllWaiters(): void {
    this.admitting = false;
    for (const wake of this.spaceWaiters.splice(0)) wake();
  }

  private settled(): Promise<void> {
    return this.until(() => this.pending.length === 0 || this.fatal !== undefined);
  }

  /** Resolves once `condition` holds; checked whenever blocks are acknowledged or fail (no polling). */
  private until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => this.pendingWaiters.push({ condition, resolve }));
  }

  private checkPendingWaiters(): void {
    if (this.pendingWaiters.length === 0) return;
    const waiting = this.pendingWaiters.splice(0);
    for (const waiter of waiting) {
      if (waiter.condition()) waiter.resolve();
      else this.pendingWaiters.push(waiter);
    }
  }
}
