/**
 * One segment of a log on local disk as Woodpecker lays it out (`server/storage/disk`): the blocks appended to one
 * file, `<log>/<segment>/data.log`, each batch of blocks fdatasynced before its blocks are indexed (and so
 * acknowledged), and a `write.fence` flag file that fences a stale writer. Blocks are self-describing and
 * CRC-checked, so the index is rebuilt by scanning the file; a torn or damaged block ends the scan and is never served.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Semaphore } from '../../util/semaphore.js';
import { GroupedSync } from './local-store.js';
import { BLOCK_HEADER_BYTES, CorruptBlockError, decodeBlock, encodeFence, readableBlockHeader } from './block.js';

/** The data file of a segment directory. */
export const SEGMENT_DATA_FILE = 'data.log';
/** The flag file that fences a segment: it holds the number of the first block the fenced writer may not add. */
export const SEGMENT_FENCE_FILE = 'write.fence';

/** How long an append waits for the blocks before it to arrive. */
const HOLD_MS = 30_000;
/**
 * The most bytes of blocks one write carries before its fdatasync is asked for (one block larger than this goes
 * alone). The fdatasync of the first part of a group then starts while the rest is still being copied into the page
 * cache. Unbounded, 16 appends of 1 MiB in flight fell into lock-step after a segment roll: all 16 written as one
 * batch, one fdatasync, all 16 acknowledged at once, the disk idle while the next 16 were copied (see engines.md).
 */
export const MAX_BYTES_PER_WRITE = 4 * 1024 * 1024;
/** The most buffers one vectored write is given (Linux's IOV_MAX is 1024). */
const MAX_PARTS_PER_WRITE = 512;

interface QueuedAppend {
  block: number;
  parts: readonly Uint8Array[];
  bytes: number;
  resolve(appended: boolean): void;
  reject(error: unknown): void;
}

/** A segment's data file: appends (one writer at a time), the index of its blocks, and reads. */
export class SegmentFile {
  /** Byte ranges of the blocks known to be complete and valid, by block number. */
  private readonly index: Array<{ offset: number; length: number }> = [];
  private end = 0;
  /** Appends and scans of the file take turns: both extend the index at its end. */
  private readonly turn = new Semaphore(1);
  private appender: FileHandle | undefined;
  private syncer: GroupedSync | undefined;
  /** Blocks written by this instance (synced or not) and where they end; the index holds only synced ones. */
  private written = { blocks: 0, end: 0 };
  /** The acknowledgement of the last batch written (batches are acknowledged in order). */
  private acknowledging: Promise<void> = Promise.resolve();
  /** A fence this instance moved past blocks that landed first, to be granted when asked for there. */
  private movedFence: number | undefined;
  /** An fdatasync failed: the file takes no more appends. */
  private failed: Error | undefined;
  private reader: Promise<FileHandle> | undefined;
  private readonly queue: QueuedAppend[] = [];
  /** Appends that arrived before the block they follow, by block number. */
  private readonly held = new Map<number, QueuedAppend>();
  private readonly holdTimers = new Map<number, NodeJS.Timeout>();
  private draining = false;

  constructor(
    private readonly directory: string,
    private readonly segment: number,
    private readonly syncDirectory: (directory: string) => Promise<void>,
    /** The most bytes of blocks one write carries (MAX_BYTES_PER_WRITE unless a store was given another bound). */
    private readonly maxBytesPerWrite: number,
  ) {}

  private get dataPath(): string {
    return join(this.directory, SEGMENT_DATA_FILE);
  }

  private get fencePath(): string {
    return join(this.directory, SEGMENT_FENCE_FILE);
  }

  /**
   * Appends block `block` (false when it already exists or the segment is fenced at or before it). Appends queued
   * while one is being written go together: one vectored write and one fdatasync for all of them.
   */
  append(block: number, parts: readonly Uint8Array[]): Promise<boolean> {
    const bytes = parts.reduce((sum, part) => sum + part.byteLength, 0);
    return new Promise((resolve, reject) => {
      this.queue.push({ block, parts, bytes, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /**
   * Fences the segment at block `block`: creates the flag file (false if there is one already), then counts the
   * valid blocks in the file. Blocks that landed before the flag count, as they would against a create-only-if-absent
   * put of the fence: if there are more than `block`, the flag is moved past them and the answer is false, so the
   * caller looks again and asks for the fence there or past it, which this instance then grants (a flag removed
   * instead would let a writer that keeps appending win every round). On success the torn tail after the last valid
   * block is cut off.
   */
  async fence(block: number): Promise<boolean> {
    await this.makeDirectory();
    const temporary = await this.writeFenceFile(block);
    let created = true;
    try {
      await link(temporary, this.fencePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!this.grantsMovedFence(block)) return false;
      created = false;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    if (!created) {
      this.movedFence = undefined;
    } else {
      await this.syncDirectory(this.directory);
      await this.turn.run(() => this.scan());
      if (this.index.length > block) {
        // No block can be acknowledged once the flag exists, so every acknowledged one is among those counted.
        const moved = this.index.length;
        await rename(await this.writeFenceFile(moved), this.fencePath);
        await this.syncDirectory(this.directory);
        this.movedFence = moved;
        return false;
      }
    }
    await this.turn.run(() => this.cutTornTail());
    return true;
  }

  /**
   * Whether a fence asked for at `block` is the one this instance moved, asked for again: at the moved flag, or past
   * it where a listing of the segment (its blocks, then the flag) shows the first gap.
   */
  private grantsMovedFence(block: number): boolean {
    return this.movedFence !== undefined && block >= this.movedFence;
  }

  /** Writes a fence flag naming `block` to a temporary file, synced, and returns its path. */
  private async writeFenceFile(block: number): Promise<string> {
    const temporary = `${this.fencePath}.tmp-${randomBytes(6).toString('hex')}`;
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(String(block));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return temporary;
  }

  /** The block at or after which the segment is fenced, if it is. */
  async fencedAt(): Promise<number | undefined> {
    const text = await readFile(this.fencePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return text === undefined ? undefined : Number(text);
  }

  /** The number of valid blocks, after looking for blocks another writer has appended. */
  async blockCount(): Promise<number> {
    await this.turn.run(() => this.scan());
    return this.index.length;
  }

  /**
   * `length` bytes from `offset` of block `block` (the fence marker's if the segment is fenced at it), or undefined
   * when there is no such block.
   */
  async read(block: number, offset = 0, length = Number.POSITIVE_INFINITY): Promise<Buffer | undefined> {
    const fencedAt = await this.fencedAt();
    if (fencedAt !== undefined && block >= fencedAt) {
      return block === fencedAt ? encodeFence(this.segment, block).subarray(offset, offset + length) : undefined;
    }
    if (block >= this.index.length) await this.turn.run(() => this.scan());
    const range = this.index[block];
    if (!range) return undefined;
    const start = Math.min(offset, range.length);
    const size = Math.min(length, range.length - start);
    // One handle for every read, opened once even when reads start together.
    this.reader ??= open(this.dataPath, 'r');
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await (await this.reader).read(buffer, 0, size, range.offset + start);
    if (bytesRead !== size) throw new CorruptBlockError(`segment file ${this.dataPath}: block ${block} is cut short`);
    return buffer;
  }

  /** Closes the file handles. */
  async close(): Promise<void> {
    for (const append of this.held.values()) append.reject(new Error(`segment file ${this.dataPath} closed`));
    this.clearHeld();
    const handles = [this.appender, await this.reader?.catch(() => undefined)];
    this.appender = undefined;
    this.reader = undefined;
    await Promise.all(handles.map((handle) => handle?.close()));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      // Appends queued, or blocks held back by the size bound of one write, that continue the file.
      while (this.queue.length > 0 || (this.appender !== undefined && this.held.has(this.written.blocks))) {
        const batch = this.queue.splice(0);
        try {
          await this.turn.run(() => this.appendBatch(batch));
        } catch (error) {
          // Nothing after a failed block can be appended: the blocks held back for it fail too.
          for (const append of [...batch, ...this.held.values()]) append.reject(error);
          this.clearHeld();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Writes the blocks that continue the file, and leaves them to be acknowledged once an fdatasync that began after
   * the write has completed. The next batch is written while that fdatasync runs.
   */
  private async appendBatch(batch: QueuedAppend[]): Promise<void> {
    if (this.failed) throw this.failed;
    const fencedAt = await this.fencedAt();
    if (!this.appender) {
      await this.makeDirectory();
      await this.scan();
      const exists = await stat(this.dataPath).then(() => true, () => false);
      // Not O_APPEND: a write lands at the end of the last valid block, over whatever a crash left after it.
      const appender = await open(this.dataPath, constants.O_RDWR | constants.O_CREAT, 0o644);
      // A new file's name is durable once its directory is synced; its blocks' fdatasyncs do not cover it.
      if (!exists) await this.syncDirectory(this.directory);
      this.appender = appender;
      this.syncer = new GroupedSync(() => appender.datasync());
      this.written = { blocks: this.index.length, end: this.end };
    }
    for (const append of batch) {
      if (append.block < this.written.blocks || (fencedAt !== undefined && append.block >= fencedAt)) append.resolve(false);
      else this.hold(append);
    }
    // The blocks that continue the file, in order, up to maxBytesPerWrite; later ones stay held until the blocks
    // before them arrive (or, past the bound, for the next write).
    const writing: QueuedAppend[] = [];
    let writingBytes = 0;
    for (let next = this.written.blocks; this.held.has(next); next++) {
      const append = this.held.get(next)!;
      if (writing.length > 0 && writingBytes + append.bytes > this.maxBytesPerWrite) break;
      writing.push(append);
      writingBytes += append.bytes;
      this.unhold(next);
    }
    if (writing.length === 0) return;
    let offset = this.written.end;
    const ranges = writing.map((append) => {
      const range = { offset, length: append.bytes };
      offset += append.bytes;
      return range;
    });
    await this.writeAt(this.written.end, writing.flatMap((append) => append.parts));
    this.written.blocks += writing.length;
    this.written.end += ranges.reduce((sum, range) => sum + range.length, 0);
    const synced = this.syncer!.sync();
    // Batches are acknowledged in the order they were written: each waits for the one before it.
    this.acknowledging = this.acknowledging.then(async () => {
      try {
        await synced;
      } catch (error) {
        // After a failed fdatasync nothing written since the last good one can be trusted: the file takes no more.
        this.failed ??= error instanceof Error ? error : new Error(String(error));
      }
      await this.turn.run(async () => {
        if (this.failed) {
          for (const append of writing) append.reject(this.failed);
          return;
        }
        this.index.push(...ranges);
        this.end = ranges.at(-1)!.offset + ranges.at(-1)!.length;
        // Fenced while these were written: the new writer may not have counted them, so none is acknowledged.
        const fencedNow = (await this.fencedAt()) !== undefined;
        for (const append of writing) append.resolve(!fencedNow);
      });
    });
  }

  /**
   * Keeps an append that arrived before the block it follows (the writer's uploads run in parallel, and a retried
   * block comes after its successors), for at most HOLD_MS.
   */
  private hold(append: QueuedAppend): void {
    this.held.get(append.block)?.resolve(false);
    this.unhold(append.block);
    this.held.set(append.block, append);
    const timer = setTimeout(() => {
      if (this.held.get(append.block) !== append) return;
      this.unhold(append.block);
      append.reject(new Error(`segment file ${this.dataPath}: block ${append.block} waited ${HOLD_MS / 1000} s for block ${this.index.length}, which never came`));
    }, HOLD_MS);
    timer.unref();
    this.holdTimers.set(append.block, timer);
  }

  private unhold(block: number): void {
    clearTimeout(this.holdTimers.get(block));
    this.holdTimers.delete(block);
    this.held.delete(block);
  }

  private clearHeld(): void {
    for (const block of [...this.held.keys()]) this.unhold(block);
  }

  private async writeAt(position: number, parts: readonly Uint8Array[]): Promise<void> {
    for (let first = 0; first < parts.length; first += MAX_PARTS_PER_WRITE) {
      const chunk = parts.slice(first, first + MAX_PARTS_PER_WRITE) as Uint8Array[];
      const expected = chunk.reduce((sum, part) => sum + part.byteLength, 0);
      const { bytesWritten } = await this.appender!.writev(chunk, position);
      if (bytesWritten !== expected) throw new Error(`short write to ${this.dataPath}: ${bytesWritten} of ${expected} bytes`);
      position += expected;
    }
  }

  /**
   * Extends the index over complete, valid blocks after the known end of the file. Not while this instance appends:
   * then its index is the truth (synced blocks only), and a block it wrote but has not yet synced must not be served.
   */
  private async scan(): Promise<void> {
    if (this.appender) return;
    let handle: FileHandle;
    try {
      handle = await open(this.dataPath, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      for (;;) {
        if (this.end + BLOCK_HEADER_BYTES > size) break;
        const head = Buffer.allocUnsafe(BLOCK_HEADER_BYTES);
        await handle.read(head, 0, BLOCK_HEADER_BYTES, this.end);
        const header = readableBlockHeader(head);
        if (!header) break;
        const length = BLOCK_HEADER_BYTES + header.bodyBytes;
        if (header.kind !== 'data' || header.block !== this.index.length || this.end + length > size) break;
        const bytes = Buffer.allocUnsafe(length);
        await handle.read(bytes, 0, length, this.end);
        try {
          decodeBlock(bytes);
        } catch (error) {
          if (error instanceof CorruptBlockError) break;
          throw error;
        }
        this.index.push({ offset: this.end, length });
        this.end += length;
      }
    } finally {
      await handle.close();
    }
  }

  /** Creates the segment's directory if it is missing, and makes its name durable. */
  private async makeDirectory(): Promise<void> {
    if (await mkdir(this.directory, { recursive: true })) await this.syncDirectory(dirname(this.directory));
  }

  /** Cuts the file after its last valid block (a block a crash left half-written). */
  private async cutTornTail(): Promise<void> {
    const handle = await open(this.dataPath, 'r+').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!handle) return;
    try {
      if ((await handle.stat()).size > this.end) {
        await handle.truncate(this.end);
        await handle.datasync();
      }
    } finally {
      await handle.close();
    }
  }
}
