/**
 * Reading a log from a position. Sealed segments are read by catch-up: the footer's index names the blocks, which
 * are fetched several at a time. The active segment is read by tailing: look for the next block object, back off
 * briefly while it is not there, and move on when the segment's footer (or a fence marker) says it has ended.
 * Every block's checksums are verified; a damaged block raises CorruptBlockError instead of returning data.
 */
import { sleep } from '../../util/clock.js';
import { decodeBlock } from './block.js';
import { compareEntryIds, type EntryId } from './entry-id.js';
import { readFooter, type SegmentFooter } from './footer.js';
import { walKey } from './keys.js';
import type { ObjectStore } from './object-store.js';
import type { ResolvedWalOptions } from './options.js';
import { listSegments, recoverIndex } from './recovery.js';

/** An entry as read. `payload` is a view into the block's bytes. */
export interface ReadEntry {
  id: EntryId;
  payload: Buffer;
}

/** Reads one log forward from a position. */
export class LogReader {
  private segment: number;
  private block = 0;
  private readonly footers = new Map<number, SegmentFooter>();
  private checkedSegment = -1;
  private backoff: number;

  constructor(
    private readonly store: ObjectStore,
    private readonly log: string,
    /** The first entry to return (entries before it in its block are skipped). */
    private readonly from: EntryId,
    private readonly options: ResolvedWalOptions,
  ) {
    this.segment = from.segment;
    this.backoff = options.tailBackoffMs;
  }

  /** The next entries (one or more blocks' worth), waiting while none is available; [] once `signal` aborts. */
  async next(signal?: AbortSignal): Promise<ReadEntry[]> {
    while (!signal?.aborted) {
      // The footer is looked up once on entering a segment, then only when the next block is missing.
      if (this.checkedSegment !== this.segment) {
        await this.footer(this.segment);
        this.checkedSegment = this.segment;
      }
      const footer = this.footers.get(this.segment);
      if (footer) {
        const last = footer.blocks.at(-1)?.block ?? -1;
        if (this.block > last) {
          this.segment += 1;
          this.block = 0;
          continue;
        }
        const wanted = footer.blocks.filter((entry) => entry.block >= this.block).slice(0, this.options.readAheadBlocks);
        const bodies = await Promise.all(wanted.map((entry) => this.store.get(walKey.block(this.log, this.segment, entry.block))));
        const entries: ReadEntry[] = [];
        wanted.forEach((entry, index) => {
          const bytes = bodies[index];
          if (!bytes) throw new Error(`${this.log}: block ${this.segment}/${entry.block} listed in the footer is missing`);
          entries.push(...this.decode(bytes));
        });
        this.block = wanted.at(-1)!.block + 1;
        if (entries.length > 0) return entries;
        continue;
      }
      const bytes = await this.store.get(walKey.block(this.log, this.segment, this.block));
      if (bytes) {
        this.backoff = this.options.tailBackoffMs;
        const decoded = decodeBlock(bytes);
        if (decoded.header.kind === 'fence') {
          // The segment ended here; its footer follows (written by the fencing writer).
          await this.waitForFooter(signal);
          continue;
        }
        this.block += 1;
        const entries = this.decode(bytes, decoded);
        if (entries.length > 0) return entries;
        continue;
      }
      if (await this.footer(this.segment)) continue;
      await sleep(this.backoff, signal);
      this.backoff = Math.min(this.options.tailMaxBackoffMs, this.backoff * 2);
    }
    return [];
  }

  private decode(bytes: Buffer, decoded = decodeBlock(bytes)): ReadEntry[] {
    const { header, records } = decoded;
    const entries: ReadEntry[] = [];
    records.forEach((payload, index) => {
      const id = { segment: header.segment, entry: header.firstEntry + index };
      if (compareEntryIds(id, this.from) >= 0) entries.push({ id, payload });
    });
    return entries;
  }

  private async footer(segment: number): Promise<SegmentFooter | undefined> {
    const cached = this.footers.get(segment);
    if (cached) return cached;
    const footer = await readFooter(this.store, this.log, segment);
    if (footer) this.footers.set(segment, footer);
    return footer;
  }

  private async waitForFooter(signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted && !(await this.footer(this.segment))) await sleep(this.options.tailMaxBackoffMs, signal);
  }
}

/** The position of the first entry of a log (after its truncation point), for readers starting at "earliest". */
export async function earliestPosition(store: ObjectStore, log: string): Promise<EntryId> {
  const truncation = await store.get(walKey.truncation(log));
  const truncatedBefore = truncation ? (JSON.parse(truncation.toString('utf8')) as EntryId) : { segment: 0, entry: 0 };
  const segments = await listSegments(store, log);
  const first = segments.find((segment) => segment >= truncatedBefore.segment);
  if (first === undefined) return { segment: truncatedBefore.segment, entry: 0 };
  return first === truncatedBefore.segment ? truncatedBefore : { segment: first, entry: 0 };
}

/** The position just after the last durable entry, for readers starting at "latest". */
export async function latestPosition(store: ObjectStore, log: string): Promise<EntryId> {
  const segments = await listSegments(store, log);
  for (const segment of [...segments].reverse()) {
    const footer = await readFooter(store, log, segment);
    if (footer) return { segment: segment + 1, entry: 0 };
    const { blocks } = await recoverIndex(store, log, segment);
    return { segment, entry: (blocks.at(-1)?.lastEntry ?? -1) + 1 };
  }
  return { segment: 0, entry: 0 };
}
