/** The object-store seam of the WAL: S3-compatible storage or a local directory behind the same few calls. */

/** Keys are "/"-separated paths relative to the store's root; prefixes passed to list calls end with "/". */
export interface ObjectStore {
  /** Where the objects live, e.g. "s3://bucket/prefix at http://127.0.0.1:9000" or "file:///data/wal". */
  readonly description: string;
  /**
   * Creates `key` only if it does not exist (If-None-Match: *); false when it already existed. Durable when resolved.
   * The body may come in parts, which form the object one after another.
   */
  putIfAbsent(key: string, body: Uint8Array | readonly Uint8Array[]): Promise<boolean>;
  /** Creates or replaces `key` (metadata objects). */
  put(key: string, body: Uint8Array): Promise<void>;
  /** The object's bytes, or undefined when it does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  /** `length` bytes from `offset`, or undefined when the object does not exist. */
  getRange(key: string, offset: number, length: number): Promise<Buffer | undefined>;
  /** Every key under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Names of the immediate "directories" under `prefix`, sorted. */
  listDirectories(prefix: string): Promise<string[]>;
  /** Deletes every object under `prefix`. */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Optional: makes everything under `prefix` durable as it reads now (a local store syncs its files and directory).
   * Recovery calls it before sealing a segment: a killed writer can leave blocks in the page cache, written but never
   * synced, which a reader already sees. Absent where whatever a reader sees is durable (S3).
   */
  syncPrefix?(prefix: string): Promise<void>;
  close(): Promise<void>;
}

/** An error worth retrying (network, throttling, 5xx); anything else is final. */
export function isTransient(error: unknown): boolean {
  const candidate = error as { code?: string; name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = candidate.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429 || status === 409;
  if (candidate.$retryable) return true;
  return ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EBUSY', 'EAGAIN'].includes(candidate.code ?? '') ||
    ['TimeoutError', 'RequestTimeout', 'SlowDown', 'InternalError', 'ServiceUnavailable'].includes(candidate.name ?? '');
}

/** A body given in parts as one buffer. */
export function joinParts(body: Uint8Array | readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(body)) return body as Uint8Array;
  const parts = body as readonly Uint8Array[];
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
