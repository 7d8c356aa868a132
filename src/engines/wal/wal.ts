/**
 * A Woodpecker-style write-ahead log on object storage. Metadata lives in the bucket itself, next to the data:
 * `<log>/log.json` (creation), segment footers, `<log>/readers/<name>.json` (reader positions) and
 * `<log>/truncation.json`. There is no separate metadata service (Woodpecker uses etcd for this).
 */
import type { EntryId } from './entry-id.js';
import { readFooter } from './footer.js';
import { assertLogName, walKey } from './keys.js';
import type { ObjectStore } from './object-store.js';
import { resolveWalOptions, type ResolvedWalOptions, type WalOptions } from './options.js';
import { earliestPosition, latestPosition, LogReader } from './reader.js';
import { claimLog, listSegments } from './recovery.js';
import { LogWriter } from './writer.js';

/** Where a reader starts. */
export type ReadFrom = 'earliest' | 'latest' | EntryId;

/** The WAL over one object store. */
export class Wal {
  /** Options in force, defaults filled in for the backend kind. */
  readonly options: ResolvedWalOptions;

  constructor(
    /** The object store (S3-compatible or local directory). */
    readonly store: ObjectStore,
    backend: 'object-storage' | 'local-fs',
    options: WalOptions = {},
  ) {
    this.options = resolveWalOptions(backend, options);
  }

  /** Creates `log` if it does not exist. */
  async createLog(log: string): Promise<void> {
    assertLogName(log);
    await this.store.putIfAbsent(walKey.log(log), Buffer.from(JSON.stringify({ createdAt: Date.now() })));
  }

  /** True when `log` exists. */
  async logExists(log: string): Promise<boolean> {
    assertLogName(log);
    return (await this.store.get(walKey.log(log))) !== undefined;
  }

  /** Deletes `log` and every object under it. */
  async deleteLog(log: string): Promise<void> {
    assertLogName(log);
    await this.store.deletePrefix(walKey.logPrefix(log));
  }

  /** Opens the only writer of `log`, fencing any earlier one (whose next upload then fails). */
  async openWriter(log: string): Promise<LogWriter> {
    if (!(await this.logExists(log))) throw new Error(`log ${log} does not exist`);
    const segment = await claimLog(this.store, log);
    return new LogWriter(this.store, log, segment, this.options);
  }

  /** A reader of `log` from a position. */
  async openReader(log: string, from: ReadFrom): Promise<LogReader> {
    if (!(await this.logExists(log))) throw new Error(`log ${log} does not exist`);
    const start = from === 'earliest' ? await earliestPosition(this.store, log) : from === 'latest' ? await latestPosition(this.store, log) : from;
    return new LogReader(this.store, log, start, this.options);
  }

  /** The saved position of reader `name` (the next entry it needs), if any. */
  async readerPosition(log: string, name: string): Promise<EntryId | undefined> {
    const bytes = await this.store.get(walKey.reader(log, name));
    return bytes ? (JSON.parse(bytes.toString('utf8')) as EntryId) : undefined;
  }

  /** Saves the position of reader `name`: every entry before `next` is processed. */
  async saveReaderPosition(log: string, name: string, next: EntryId): Promise<void> {
    assertLogName(name);
    await this.store.put(walKey.reader(log, name), Buffer.from(JSON.stringify(next)));
  }

  /** Marks every entry before `before` removable. */
  async truncate(log: string, before: EntryId): Promise<void> {
    await this.store.put(walKey.truncation(log), Buffer.from(JSON.stringify(before)));
  }

  /**
   * Deletes sealed segments that lie wholly before the truncation point, that no saved reader position still needs,
   * and that were sealed longer than `retentionMs` ago. Returns the deleted segment numbers.
   */
  async collectGarbage(log: string, now = Date.now()): Promise<number[]> {
    const truncation = await this.store.get(walKey.truncation(log));
    if (!truncation) return [];
    const before = JSON.parse(truncation.toString('utf8')) as EntryId;
    const readers = await this.store.list(walKey.readersPrefix(log));
    const positions = await Promise.all(readers.map(async (key) => JSON.parse((await this.store.get(key))!.toString('utf8')) as EntryId));
    const needed = Math.min(before.segment, ...positions.map((position) => position.segment));
    const deleted: number[] = [];
    for (const segment of await listSegments(this.store, log)) {
      if (segment >= needed) break;
      const footer = await readFooter(this.store, log, segment);
      if (!footer || now - footer.sealedAt < this.options.retentionMs) continue;
      await this.store.deletePrefix(walKey.segmentPrefix(log, segment));
      deleted.push(segment);
    }
    return deleted;
  }

  /** Releases the store's connections. */
  close(): Promise<void> {
    return this.store.close();
  }
}
