/** Options of the Woodpecker-style WAL, with the defaults ENGINES.md gives (object storage vs local filesystem). */
import { withDefaults } from '../../util/defaults.js';

/** Flush, block, upload and segment settings. Every field is optional; see `resolveWalOptions`. */
export interface WalOptions {
  /** Flush buffered entries this long after the first one arrived (200 ms for object storage, 10 ms for local FS). */
  flushIntervalMs?: number;
  /**
   * Also flush at once while fewer than this many blocks are being written (local FS: 16, object storage: 0, off).
   * A local disk that has room gains nothing from the wait (a segment file group-commits what arrives together),
   * while on S3 the interval is what makes objects large enough to be worth a PUT. Under load, blocks still form
   * from what arrives while the writes in progress finish.
   */
  eagerFlushBlocks?: number;
  /** Flush as soon as this many bytes are ready, and cut blocks of at most this size (2 MiB). */
  blockBytes?: number;
  /** Buffered bytes that trigger a flush and bound the buffer: appends wait beyond it (256 MiB). */
  maxBufferedBytes?: number;
  /** Buffered entries that trigger a flush (10,000). */
  maxBufferedEntries?: number;
  /** Parallel block uploads (16). */
  uploadConcurrency?: number;
  /** Attempts per block upload on transient errors (5). */
  uploadAttempts?: number;
  /** Roll the segment past this many bytes (256 MiB), blocks (1000) or age (10 min). */
  segmentBytes?: number;
  segmentBlocks?: number;
  segmentAgeMs?: number;
  /** Tail readers retry a missing block after this long, doubling up to `tailMaxBackoffMs`. */
  tailBackoffMs?: number;
  tailMaxBackoffMs?: number;
  /** Catch-up readers fetch this many blocks at once. */
  readAheadBlocks?: number;
  /** Truncated segments are deleted once older than this (and no reader needs them). */
  retentionMs?: number;
}

/** Options with every default filled in. */
export type ResolvedWalOptions = Required<WalOptions>;

const MiB = 1024 * 1024;

/** Defaults for a backend kind. */
export function defaultWalOptions(backend: 'object-storage' | 'local-fs'): ResolvedWalOptions {
  return {
    flushIntervalMs: backend === 'local-fs' ? 10 : 200,
    eagerFlushBlocks: backend === 'local-fs' ? 16 : 0,
    blockBytes: 2 * MiB,
    maxBufferedBytes: 256 * MiB,
    maxBufferedEntries: 10_000,
    uploadConcurrency: 16,
    uploadAttempts: 5,
    segmentBytes: 256 * MiB,
    segmentBlocks: 1000,
    segmentAgeMs: 10 * 60 * 1000,
    tailBackoffMs: backend === 'local-fs' ? 1 : 10,
    tailMaxBackoffMs: backend === 'local-fs' ? 20 : 200,
    readAheadBlocks: 8,
    retentionMs: 3 * 24 * 3600 * 1000,
  };
}

/** Fills in defaults for `backend` and checks ranges. */
export function resolveWalOptions(backend: 'object-storage' | 'local-fs', options: WalOptions = {}): ResolvedWalOptions {
  const resolved = withDefaults(defaultWalOptions(backend), options);
  for (const key of ['blockBytes', 'maxBufferedBytes', 'maxBufferedEntries', 'uploadConcurrency', 'uploadAttempts', 'segmentBytes', 'segmentBlocks'] as const) {
    if (!(resolved[key] >= 1)) throw new Error(`${key} must be ≥ 1`);
  }
  if (resolved.flushIntervalMs < 0) throw new Error('flushIntervalMs must be ≥ 0');
  if (!(resolved.eagerFlushBlocks >= 0)) throw new Error('eagerFlushBlocks must be ≥ 0');
  return resolved;
}
