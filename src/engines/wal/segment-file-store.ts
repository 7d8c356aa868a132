/**
 * The WAL's local-disk backend in Woodpecker's layout: each segment's blocks appended to one file (see
 * segment-file.ts) instead of a file per block. The WAL above still sees an object store: a block key names a range
 * of its segment's file, a fence marker put at a block is the segment's `write.fence` flag, and every other object
 * (log.json, footers, reader positions) is a file as in LocalObjectStore.
 */
import { join } from 'node:path';
import { decodeBlockHeader } from './block.js';
import { parseBlockKey, walKey } from './keys.js';
import { LocalObjectStore, syncDirectory } from './local-store.js';
import type { ObjectStore } from './object-store.js';
import { MAX_BYTES_PER_WRITE, SEGMENT_DATA_FILE, SEGMENT_FENCE_FILE, SegmentFile } from './segment-file.js';

/** `<log>/<segment>/<block>.blk` split into the segment's directory key and the numbers. */
function parseBlockPath(key: string): { segmentKey: string; segment: number; block: number } | undefined {
  const block = parseBlockKey(key);
  if (block === undefined) return undefined;
  if (key.split('/').some((part) => part === '..')) throw new Error(`invalid object key ${key}`);
  const segmentKey = key.slice(0, key.lastIndexOf('/'));
  return { segmentKey, segment: Number(segmentKey.slice(segmentKey.lastIndexOf('/') + 1)), block };
}

/** Objects under `root`, blocks appended to one file per segment. */
export class SegmentFileStore implements ObjectStore {
  readonly description: string;
  private readonly objects: LocalObjectStore;
  private readonly segments = new Map<string, SegmentFile>();

  constructor(
    private readonly root: string,
    /** The most bytes of blocks one write to a segment file carries before its fdatasync is asked for. */
    private readonly maxBytesPerWrite = MAX_BYTES_PER_WRITE,
  ) {
    this.objects = new LocalObjectStore(root);
    this.description = `file://${root} (one file per segment)`;
  }

  async putIfAbsent(key: string, body: Uint8Array | readonly Uint8Array[]): Promise<boolean> {
    const path = parseBlockPath(key);
    if (!path) return this.objects.putIfAbsent(key, body);
    const parts = Array.isArray(body) ? (body as readonly Uint8Array[]) : [body as Uint8Array];
    const file = this.segmentFile(path.segmentKey, path.segment);
    return decodeBlockHeader(parts[0]!).kind === 'fence' ? file.fence(path.block) : file.append(path.block, parts);
  }

  put(key: string, body: Uint8Array): Promise<void> {
    return this.objects.put(key, body);
  }

  async get(key: string): Promise<Buffer | undefined> {
    const path = parseBlockPath(key);
    return path ? this.segmentFile(path.segmentKey, path.segment).read(path.block) : this.objects.get(key);
  }

  async getRange(key: string, offset: number, length: number): Promise<Buffer | undefined> {
    const path = parseBlockPath(key);
    return path ? this.segmentFile(path.segmentKey, path.segment).read(path.block, offset, length) : this.objects.getRange(key, offset, length);
  }

  /** Keys as the object layout would have them: a segment file lists as its blocks, the fence flag as its marker. */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for (const key of await this.objects.list(prefix)) {
      const directory = key.slice(0, key.lastIndexOf('/'));
      const name = key.slice(key.lastIndexOf('/') + 1);
      if (name === SEGMENT_DATA_FILE || name === SEGMENT_FENCE_FILE) {
        const segment = Number(directory.slice(directory.lastIndexOf('/') + 1));
        const log = directory.slice(0, directory.lastIndexOf('/'));
        const file = this.segmentFile(directory, segment);
        if (name === SEGMENT_DATA_FILE) {
          const count = await file.blockCount();
          for (let block = 0; block < count; block++) keys.push(walKey.block(log, segment, block));
        } else {
          const fencedAt = await file.fencedAt();
          if (fencedAt !== undefined) keys.push(walKey.block(log, segment, fencedAt));
        }
      } else {
        keys.push(key);
      }
    }
    return [...new Set(keys)].sort();
  }

  listDirectories(prefix: string): Promise<string[]> {
    return this.objects.listDirectories(prefix);
  }

  /** The segment files and fence markers under `prefix` synced, as a reader sees them now. */
  syncPrefix(prefix: string): Promise<void> {
    return this.objects.syncPrefix(prefix);
  }

  async deletePrefix(prefix: string): Promise<void> {
    const closing = [...this.segments].filter(([key]) => `${key}/`.startsWith(prefix));
    for (const [key] of closing) this.segments.delete(key);
    await Promise.all(closing.map(([, file]) => file.close()));
    await this.objects.deletePrefix(prefix);
  }

  async close(): Promise<void> {
    const files = [...this.segments.values()];
    this.segments.clear();
    await Promise.all(files.map((file) => file.close()));
    await this.objects.close();
  }

  private segmentFile(segmentKey: string, segment: number): SegmentFile {
    let file = this.segments.get(segmentKey);
    if (!file) {
      file = new SegmentFile(join(this.root, ...segmentKey.split('/')), segment, syncDirectory, this.maxBytesPerWrite);
      this.segments.set(segmentKey, file);
    }
    return file;
  }
}
