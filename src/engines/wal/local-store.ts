/**
 * The local-filesystem object store (the "WAL on local FS" row): one file per object. A create-only-if-absent put
 * writes a temporary file, fsyncs it, links it into place (link fails if the name exists), and fsyncs the directory.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ObjectStore } from './object-store.js';

/**
 * Group-committed fsyncs of one directory or file: a caller is answered by an fsync that began after it asked, and
 * callers arriving while one runs share the next. Parallel block uploads into a segment's directory then cost about
 * two directory fsyncs per round instead of one each, and appends to a segment file share fdatasyncs the same way.
 */
export class GroupedSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly syncOnce: () => Promise<void>) {}

  /** Resolves once a sync that began after this call has completed. */
  sync(): Promise<void> {
    if (!this.running) return this.start();
    this.next ??= this.running.catch(() => undefined).then(() => {
      this.next = undefined;
      return this.start();
    });
    return this.next;
  }

  private start(): Promise<void> {
    const run = this.syncOnce().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}

/** Objects as files under `root`. */
export class LocalObjectStore implements ObjectStore {
  readonly description: string;
  private readonly knownDirectories = new Set<string>();
  private readonly syncers = new Map<string, GroupedSync>();

  constructor(private readonly root: string) {
    this.description = `file://${root}`;
  }

  async putIfAbsent(key: string, body: Uint8Array | readonly Uint8Array[]): Promise<boolean> {
    const path = this.path(key);
    const temporary = await this.writeTemporary(path, body);
    try {
      await link(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    await this.syncDirectory(dirname(path));
    return true;
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = this.path(key);
    const temporary = await this.writeTemporary(path, body);
    await rename(temporary, path);
    await this.syncDirectory(dirname(path));
  }

  async get(key: string): Promise<Buffer | undefined> {
    return readFile(this.path(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
  }

  async getRange(key: string, offset: number, length: number): Promise<Buffer | undefined> {
    let handle;
    try {
      handle = await open(this.path(key), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (directory: string) => {
      const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const path = join(directory, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (!entry.name.includes('.tmp-')) keys.push(relative(this.root, path).split(sep).join('/'));
      }
    };
    await walk(this.path(prefix));
    return keys.sort();
  }

  async listDirectories(prefix: string): Promise<string[]> {
    const entries = await readdir(this.path(prefix), { withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.path(prefix), { recursive: true, force: true });
    this.knownDirectories.clear();
    this.syncers.clear();
  }

  async syncPrefix(prefix: string): Promise<void> {
    for (const key of await this.list(prefix)) {
      const handle = await open(this.path(key), 'r').catch(() => undefined);
      if (!handle) continue;
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
    await syncDirectory(this.path(prefix)).catch(() => undefined);
  }

  async close(): Promise<void> {}

  private syncDirectory(directory: string): Promise<void> {
    let syncer = this.syncers.get(directory);
    if (!syncer) this.syncers.set(directory, (syncer = new GroupedSync(() => syncDirectory(directory))));
    return syncer.sync();
  }

  private path(key: string): string {
    if (key.split('/').some((part) => part === '..')) throw new Error(`invalid object key ${key}`);
    return join(this.root, ...key.split('/'));
  }

  private async writeTemporary(path: string, body: Uint8Array | readonly Uint8Array[]): Promise<string> {
    const directory = dirname(path);
    if (!this.knownDirectories.has(directory)) {
      // A new directory's name is durable once its parent is synced (the file's own sync covers only the file).
      if (await mkdir(directory, { recursive: true })) await this.syncDirectory(dirname(directory));
      this.knownDirectories.add(directory);
    }
    const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    const handle = await open(temporary, 'wx');
    try {
      if (Array.isArray(body)) {
        // One vectored write: the parts (large records referenced, not copied) go to the file as they are.
        const parts = body as readonly Uint8Array[];
        const expected = parts.reduce((sum, part) => sum + part.byteLength, 0);
        const { bytesWritten } = await handle.writev(parts as Uint8Array[]);
        if (bytesWritten !== expected) throw new Error(`short write of ${path}: ${bytesWritten} of ${expected} bytes`);
      } else {
        await handle.writeFile(body as Uint8Array);
      }
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return temporary;
  }
}

/** fsyncs a directory, so the names created in it are durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
