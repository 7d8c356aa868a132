/**
 * Settling the page cache before a write window: the kernel's dirty data (written, not yet on disk) is flushed with
 * `sync`, bounded in time, so two windows that are compared (a trial's and the broker's perf tool's) start from the
 * same state. Otherwise the one that follows a large write pays for its predecessor's writeback.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { trackChild } from './child-processes.js';

/** What settling did: the dirty bytes before and after and how long it took, or why it was not done. */
export const pageCacheSettleSchema = z.union([
  z.object({
    /** Dirty + Writeback bytes in /proc/meminfo before `sync`. */
    dirtyBytesBefore: z.number(),
    dirtyBytesAfter: z.number(),
    ms: z.number(),
    /** `sync` did not finish within the bound; the window started anyway. */
    timedOut: z.boolean().optional(),
  }),
  z.object({ skipped: z.string() }),
]);

/** What settling did (see pageCacheSettleSchema). */
export type PageCacheSettle = z.infer<typeof pageCacheSettleSchema>;

/** One line of the text of /proc/meminfo (`name:  N kB`), in bytes; undefined without it. */
export function meminfoBytes(meminfo: string, name: string): number | undefined {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(meminfo);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The text of /proc/meminfo ('' where it cannot be read). */
export function readMeminfo(): Promise<string> {
  return readFile('/proc/meminfo', 'utf8').catch(() => '');
}

/** The kernel's dirty and under-writeback bytes from the text of /proc/meminfo; undefined when it has neither line. */
export function dirtyBytes(meminfo: string): number | undefined {
  const [dirty, writeback] = [meminfoBytes(meminfo, 'Dirty'), meminfoBytes(meminfo, 'Writeback')];
  return dirty === undefined && writeback === undefined ? undefined : (dirty ?? 0) + (writeback ?? 0);
}

async function readDirtyBytes(): Promise<number | undefined> {
  return dirtyBytes(await readMeminfo());
}

/** Flushes the page cache's dirty data (`sync`), waiting at most `timeoutMs`; never throws. */
export async function settlePageCache(options: { timeoutMs: number; signal?: AbortSignal }): Promise<PageCacheSettle> {
  const before = await readDirtyBytes();
  if (before === undefined) return { skipped: 'no /proc/meminfo (not Linux): the page cache was not settled' };
  const started = performance.now();
  const finished = await runSync(options.timeoutMs, options.signal);
  const ms = Math.round(performance.now() - started);
  return { dirtyBytesBefore: before, dirtyBytesAfter: (await readDirtyBytes()) ?? 0, ms, ...(finished ? {} : { timedOut: true }) };
}

/** Runs `sync`; resolves true when it finished, false when it failed, ran past `timeoutMs` (killed) or was aborted. */
function runSync(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const child = spawn('sync', [], { stdio: 'ignore' });
    trackChild(child);
    const stop = () => child.kill('SIGKILL');
    const timer = setTimeout(stop, timeoutMs);
    signal?.addEventListener('abort', stop, { once: true });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      resolve(ok);
    };
    child.once('error', () => done(false));
    child.once('exit', (code) => done(code === 0));
  });
}

/** One line for a manifest or a report: "12.3 MiB dirty flushed in 45 ms", or why not. */
export function describeSettle(settle: PageCacheSettle): string {
  if ('skipped' in settle) return settle.skipped;
  const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
  const outcome = settle.timedOut ? `sync did not finish within the bound (${mib(settle.dirtyBytesAfter)} MiB still dirty)` : `flushed in ${settle.ms} ms`;
  return `${mib(settle.dirtyBytesBefore)} MiB dirty, ${outcome}`;
}
