/** Measuring what a broker holds on disk: per-file allocated and apparent sizes, and the growth between two snapshots. */
import { z } from 'zod';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes a broker holds: allocated on disk (what `du` shows) and apparent (sum of file sizes). */
export const storageReadingSchema = z.object({ bytes: z.number(), apparentBytes: z.number() });

/** Allocated and apparent bytes of a directory tree. */
export type StorageReading = z.infer<typeof storageReadingSchema>;

/** Sizes of every file under `directory`, by path (empty when it does not exist). */
export async function fileSizes(directory: string, into = new Map<string, StorageReading>()): Promise<Map<string, StorageReading>> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return into;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      await fileSizes(path, into);
    } else {
      const stat = await lstat(path).catch(() => undefined);
      if (stat) into.set(path, { bytes: stat.blocks * 512, apparentBytes: stat.size });
    }
  }
  return into;
}

/** The total of a set of file sizes. */
export function totalOf(files: ReadonlyMap<string, StorageReading>): StorageReading {
  let bytes = 0;
  let apparentBytes = 0;
  for (const file of files.values()) {
    bytes += file.bytes;
    apparentBytes += file.apparentBytes;
  }
  return { bytes, apparentBytes };
}

/**
 * What was written between two snapshots: each file's growth (new files whole), ignoring files that shrank or
 * disappeared. A shared broker that frees earlier topics meanwhile does not make the new data look smaller.
 */
export function grownBetween(before: ReadonlyMap<string, StorageReading>, after: ReadonlyMap<string, StorageReading>): StorageReading {
  let bytes = 0;
  let apparentBytes = 0;
  for (const [path, now] of after) {
    const then = before.get(path);
    bytes += Math.max(0, now.bytes - (then?.bytes ?? 0));
    apparentBytes += Math.max(0, now.apparentBytes - (then?.apparentBytes ?? 0));
  }
  return { bytes, apparentBytes };
}
