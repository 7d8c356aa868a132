/** Segment footers: written once when a segment is sealed, holding its block index and last confirmed entry. */
import type { ObjectStore } from './object-store.js';
import { walKey } from './keys.js';

/** One block in a segment's index. */
export interface BlockIndexEntry {
  block: number;
  firstEntry: number;
  lastEntry: number;
  bytes: number;
}

/** Why a segment was sealed. */
export type SealReason = 'size' | 'blocks' | 'age' | 'failure' | 'close' | 'fenced';

/** The footer object of a sealed segment. */
export interface SegmentFooter {
  version: 1;
  segment: number;
  blocks: BlockIndexEntry[];
  /** The last entry confirmed to writers (last-add-confirmed); -1 for an empty segment. */
  lastEntry: number;
  sealedAt: number;
  reason: SealReason;
}

/** Builds a footer from the durable blocks of a segment. */
export function makeFooter(segment: number, blocks: BlockIndexEntry[], reason: SealReason): SegmentFooter {
  return { version: 1, segment, blocks, lastEntry: blocks.at(-1)?.lastEntry ?? -1, sealedAt: Date.now(), reason };
}

/** Creates the footer of `log`/`segment` unless one exists; returns the footer now in the store. */
export async function sealSegment(store: ObjectStore, log: string, footer: SegmentFooter): Promise<{ created: boolean; footer: SegmentFooter }> {
  const created = await store.putIfAbsent(walKey.footer(log, footer.segment), Buffer.from(JSON.stringify(footer)));
  if (created) return { created, footer };
  const existing = await readFooter(store, log, footer.segment);
  if (!existing) throw new Error(`footer of segment ${footer.segment} exists but cannot be read`);
  return { created, footer: existing };
}

/** The footer of a segment, or undefined while it is not sealed. */
export async function readFooter(store: ObjectStore, log: string, segment: number): Promise<SegmentFooter | undefined> {
  const bytes = await store.get(walKey.footer(log, segment));
  return bytes ? (JSON.parse(bytes.toString('utf8')) as SegmentFooter) : undefined;
}
