/**
 * Opening a log for writing: fence whatever writer came before, and rebuild the index of an unsealed segment from
 * its block headers. Protocol: take the highest segment S; if it has no footer, write a fence marker at its first
 * missing block number (create-only-if-absent, so the old writer's upload of that block fails) and seal S with the
 * blocks before the fence. Then fence S+1 at block 0: if that succeeds, no old writer can ever use S+1 (writers seal
 * S before writing S+1), and the new writer starts at S+2; if block 0 of S+1 already exists, the old writer rolled
 * on meanwhile — repeat with the newest segment as S. The fence goes in before the headers are read.
 */
import { BLOCK_HEADER_BYTES, encodeFence, readableBlockHeader } from './block.js';
import { makeFooter, readFooter, sealSegment, type BlockIndexEntry, type SegmentFooter } from './footer.js';
import { parseBlockKey, parseSegmentDirectory, walKey } from './keys.js';
import type { ObjectStore } from './object-store.js';

/** Segment numbers present in the store, ascending. */
export async function listSegments(store: ObjectStore, log: string): Promise<number[]> {
  const names = await store.listDirectories(walKey.logPrefix(log));
  return names.map(parseSegmentDirectory).filter((segment): segment is number => segment !== undefined).sort((a, b) => a - b);
}

/** Block numbers present in a segment, ascending. */
export async function listBlocks(store: ObjectStore, log: string, segment: number): Promise<number[]> {
  const keys = await store.list(walKey.segmentPrefix(log, segment));
  return keys.map(parseBlockKey).filter((block): block is number => block !== undefined).sort((a, b) => a - b);
}

/** The first block number missing from an ascending list. */
function firstGap(blocks: readonly number[]): number {
  let next = 0;
  for (const block of blocks) {
    if (block !== next) break;
    next++;
  }
  return next;
}

/**
 * The index of the contiguous data blocks 0, 1, 2… of an unsealed segment, read from block headers; stops at the
 * first missing, fence or unreadable block. Also returns the first block number not in the index.
 */
export async function recoverIndex(store: ObjectStore, log: string, segment: number): Promise<{ blocks: BlockIndexEntry[]; next: number }> {
  const present = new Set(await listBlocks(store, log, segment));
  const blocks: BlockIndexEntry[] = [];
  for (let block = 0; present.has(block); block++) {
    const head = await store.getRange(walKey.block(log, segment, block), 0, BLOCK_HEADER_BYTES);
    const header = head && readableBlockHeader(head);
    if (!header || header.kind === 'fence') break;
    blocks.push({ block, firstEntry: header.firstEntry, lastEntry: header.lastEntry, bytes: header.bodyBytes });
  }
  return { blocks, next: blocks.length };
}

/** Fences an unsealed segment after its last contiguous block and seals it; returns the footer now in the store. */
export async function fenceSegment(store: ObjectStore, log: string, segment: number): Promise<SegmentFooter> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const existing = await readFooter(store, log, segment);
    if (existing) return existing;
    // The fence goes in first, at the first gap of one listing, and the headers are read after it: reading them
    // first took longer than the old writer took to fill a segment and roll, and a new writer chased it for ever.
    const next = firstGap(await listBlocks(store, log, segment));
    if (await store.putIfAbsent(walKey.block(log, segment, next), encodeFence(segment, next))) {
      // Every block the old writer had acknowledged is before the fence: the index stops at it or at an earlier one.
      const { blocks } = await recoverIndex(store, log, segment);
      // A killed writer's last blocks may be readable but unsynced: the footer must not name what a power loss drops.
      await store.syncPrefix?.(walKey.segmentPrefix(log, segment));
      return (await sealSegment(store, log, makeFooter(segment, blocks, 'fenced'))).footer;
    }
    // The old writer's block `next` landed first (or another fence did): look again.
  }
  throw new Error(`${log}: could not fence segment ${segment}`);
}

/** Fences every earlier writer of `log` and returns the segment the new writer must start at. */
export async function claimLog(store: ObjectStore, log: string): Promise<number> {
  for (;;) {
    // The newest segment, listed again each round: an old writer that rolled on meanwhile is met where it writes
    // now, not chased one segment at a time. Every segment below the newest is sealed: a writer seals S before it
    // writes S+1, and a new writer fences S+1 only after sealing S.
    const segment: number = (await listSegments(store, log)).at(-1) ?? -1;
    // An empty log starts from -1, so segment 0 is fenced against a concurrent first writer the same way.
    if (segment >= 0) await fenceSegment(store, log, segment);
    const next = segment + 1;
    if (await store.putIfAbsent(walKey.block(log, next, 0), encodeFence(next, 0))) {
      await sealSegment(store, log, makeFooter(next, [], 'fenced'));
      return next + 1;
    }
    // An old writer rolled into `next`, or another new writer fenced it: look again.
  }
}
