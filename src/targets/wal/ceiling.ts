/**
 * The raw throughput of the WAL's backend, measured in the same run so each WAL figure can be given as a ratio to
 * it: parallel create-only-if-absent PUTs of block-sized objects to the same bucket (S3), or block-sized writes each
 * followed by fdatasync on the same disk, sequentially and in parallel files (local).
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

/**
 * The local disk's raw write throughput: `chunkBytes` chunks, each followed by fdatasync, first sequentially to one
 * file, then to `parallelism` files at once (as the WAL's parallel block writes do); the ceiling is the higher.
 */
export async function probeLocalDisk(directory: string, chunkBytes: number, seconds: number, parallelism = 1): Promise<CeilingReading> {
  await mkdir(directory, { recursive: true });
  const chunk = randomBytes(chunkBytes);
  const sequential = await writeAndSync(directory, chunk, 1, seconds);
  const parallel = parallelism > 1 ? await writeAndSync(directory, chunk, parallelism, seconds) : undefined;
  const best = parallel && parallel.megabytesPerSec > sequential.megabytesPerSec ? parallel : sequential;
  const described = (reading: typeof sequential) => `${reading.megabytesPerSec.toFixed(0)} MB/s`;
  const method = parallel
    ? `the higher of sequential ${chunkBytes}-byte writes each followed by fdatasync to one file (${described(sequential)}) and the same to ${parallelism} files at once (${described(parallel)})`
    : `sequential ${chunkBytes}-byte writes, each followed by fdatasync`;
  return { method, megabytesPerSec: best.megabytesPerSec, objectBytes: chunkBytes, parallelism: best.lanes, seconds: best.seconds, bytes: best.bytes };
}

async function writeAndSync(directory: string, chunk: Buffer, lanes: number, seconds: number): Promise<{ megabytesPerSec: number; lanes: number; seconds: number; bytes: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      const path = join(directory, `ceiling-${randomBytes(4).toString('hex')}.bin`);
      const handle = await open(path, 'w');
      try {
        while (performance.now() < deadline) {
          await handle.write(chunk, 0, chunk.length);
          await handle.datasync();
          bytes += chunk.length;
        }
      } finally {
        await handle.close();
        await rm(path, { force: true });
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { megabytesPerSec: bytes / 1e6 / elapsed, lanes, seconds: elapsed, bytes };
}
