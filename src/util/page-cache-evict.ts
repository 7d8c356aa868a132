/**
 * Evicting files from the page cache, without root: after a `sync` (dirty pages cannot be dropped), `dd iflag=nocache
 * count=0` asks the kernel (posix_fadvise DONTNEED) to drop a whole file's cached pages. Before each trial the coordinator evicts the data of every broker
 * the run started: a broker's leftovers in the cache (Pulsar's bookie keeps the entry logs of deleted topics until its
 * garbage collection) more than doubled the kernel time of the next trial's writes here, on any broker
 * (docs/measurements/2026-12-02-neighbours.md).
 */
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { trackChild } from './child-processes.js';
import { meminfoBytes, readMeminfo, settlePageCache } from './page-cache.js';

/** What an eviction did: the files asked to leave the cache, and the machine's page cache before and after. */
export const pageCacheEvictionSchema = z.union([
  z.object({
    files: z.number(),
    /** Their sizes (what may have been cached, not what was). */
    bytes: z.number(),
    /** `Cached` of /proc/meminfo before and after. */
    cachedBytesBefore: z.number(),
    cachedBytesAfter: z.number(),
    ms: z.number(),
    /** The bound ran out before every file was done. */
    timedOut: z.boolean().optional(),
  }),
  z.object({ skipped: z.string() }),
]);

/** See pageCacheEvictionSchema. */
export type PageCacheEviction = z.infer<typeof pageCacheEvictionSchema>;

/** Files smaller than this are left alone: their cache is small, and each file costs a process. */
const MIN_FILE_BYTES = 1024 * 1024;
const PARALLEL = 4;
/**
 * Files one shell drops, a `dd` each. A process spawned from a large one (a worker holding a store) took ~40 ms of its
 * main thread here (fork copies its page tables): 297 `dd`s spawned from the worker took 12 s; a `dd` spawned from a
 * shell costs little.
 */
const FILES_PER_SHELL = 100;

/** The `Cached` bytes of the text of /proc/meminfo; undefined without the line. */
export function cachedBytes(meminfo: string): number | undefined {
  return meminfoBytes(meminfo, 'Cached');
}

async function readCachedBytes(): Promise<number | undefined> {
  return cachedBytes(await readMeminfo());
}

/** Every regular file of at least MIN_FILE_BYTES under `paths`, with its size (unreadable parts are skipped). */
async function largeFiles(paths: readonly string[]): Promise<Array<{ path: string; bytes: number }>> {
  const found: Array<{ path: string; bytes: number }> = [];
  for (const root of paths) {
    const names = await readdir(root, { recursive: true }).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(root, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile() && info.size >= MIN_FILE_BYTES) found.push({ path, bytes: info.size });
    }
  }
  return found;
}

/**
 * Flushes dirty data (`sync`), then asks the kernel to drop the cached pages of the files under `paths`, all within
 * `timeoutMs`; never throws.
 */
export async function evictFromPageCache(paths: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<PageCacheEviction> {
  const before = await readCachedBytes();
  if (before === undefined) return { skipped: 'no /proc/meminfo (not Linux): the page cache was not evicted' };
  const started = performance.now();
  const until = started + options.timeoutMs;
  const files = await largeFiles(paths);
  if (files.length > 0) await settlePageCache({ timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
  let timedOut = false;
  const lane = async (laneFiles: string[]) => {
    for (let from = 0; from < laneFiles.length; from += FILES_PER_SHELL) {
      if (options.signal?.aborted || performance.now() >= until) {
        timedOut = true;
        return;
      }
      if (!(await dropFiles(laneFiles.slice(from, from + FILES_PER_SHELL), until - performance.now()))) timedOut = true;
    }
  };
  const lanes = Array.from({ length: PARALLEL }, (_, index) => files.filter((_, fileIndex) => fileIndex % PARALLEL === index).map((file) => file.path));
  await Promise.all(lanes.map(lane));
  return {
    files: files.length,
    bytes: files.reduce((sum, file) => sum + file.bytes, 0),
    cachedBytesBefore: before,
    cachedBytesAfter: (await readCachedBytes()) ?? 0,
    ms: Math.round(performance.now() - started),
    ...(timedOut ? { timedOut: true } : {}),
  };
}

/**
 * `dd if=<file> iflag=nocache count=0` for each of `paths`, from one shell: drops the files' cached pages. False when
 * `timeoutMs` ran out first (the shell is killed).
 */
function dropFiles(paths: string[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const script = 'for file in "$@"; do dd if="$file" iflag=nocache count=0 status=none; done';
    const child = spawn('sh', ['-c', script, 'sh', ...paths], { stdio: 'ignore' });
    trackChild(child);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, Math.max(1, timeoutMs));
    const done = () => {
      clearTimeout(timer);
      resolve(!killed);
    };
    child.once('error', done);
    child.once('exit', done);
  });
}

/** One line for a manifest: "3,170.5 MiB in 269 files, page cache 5,840.7 MiB → 4,019.5 MiB, 30092 ms (bound reached)". */
export function describeEviction(eviction: PageCacheEviction): string {
  if ('skipped' in eviction) return eviction.skipped;
  const mib = (bytes: number) => `${(bytes / 1048576).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MiB`;
  return `${mib(eviction.bytes)} in ${eviction.files} files, page cache ${mib(eviction.cachedBytesBefore)} → ${mib(eviction.cachedBytesAfter)}, ${eviction.ms} ms${eviction.timedOut ? ' (bound reached)' : ''}`;
}
