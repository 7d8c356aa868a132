/**
 * The raw throughput of the WAL's backend, measured in the same run so each WAL figure can be given as a ratio to
 * it: parallel create-only-if-absent PUTs of block-sized objects to the same bucket (S3), or sequential writes of
 * block-sized chunks each followed by fsync, to a file on the same disk (local).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore } from '../../engines/wal/index.js';
import type { CeilingReading } from '../driver.js';

/** Parallel PUTs of `objectBytes` objects for `seconds`, then deletes them. */
export async function probeObjectStore(store: ObjectStore, objectBytes: number, parallelism: number, seconds: number): Promise<CeilingReading> {
  const prefix = `ceiling-${randomBytes(4).toString('hex')}/`;
  const body = randomBytes(objectBytes);
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: parallelism }, async () => {
      while (performance.now() < deadline) {
        await store.putIfAbsent(`${prefix}${String(next++).padStart(8, '0')}`, body);
        bytes += objectBytes;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await store.deletePrefix(prefix);
  return { method: `${parallelism} parallel PUTs (If-None-Match) of ${objectBytes}-byte objects`, megabytesPerSec: bytes / 1e6 / elapsed, objectBytes, parallelism, seconds: elapsed, bytes };
}

/** Sequential writes of `chunkBytes` chunks, each followed by fsync, to one file in `directory`. */
export async function probeLocalDisk(directory: string, chunkBytes: number, seconds: number): Promise<CeilingReading> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, `ceiling-${randomBytes(4).toString('hex')}.bin`);
  const chunk = randomBytes(chunkBytes);
  const handle = await open(path, 'w');
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let bytes = 0;
  try {
    while (performance.now() < deadline) {
      await handle.write(chunk, 0, chunk.length);
      await handle.datasync();
      bytes += chunkBytes;
    }
  } finally {
    await handle.close();
    await rm(path, { force: true });
  }
  const elapsed = (performance.now() - started) / 1000;
  return { method: `sequential ${chunkBytes}-byte writes, each followed by fdatasync`, megabytesPerSec: bytes / 1e6 / elapsed, objectBytes: chunkBytes, parallelism: 1, seconds: elapsed, bytes };
}
