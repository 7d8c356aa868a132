/**
 * The raw throughput of the WAL's backend, measured in the same run so each WAL figure can be given as a ratio to
 * it: parallel create-only-if-absent PUTs of block-sized objects to the same bucket (S3), or writes each followed by
 * fdatasync on the same disk: block-sized ones sequentially and in parallel files, and groups of blocks (local).
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
 * file, then to `parallelism` files at once (as parallel block writes do), then `parallelism` chunks a write to one
 * file (as a group commit of that many blocks does: the WAL's segment file wrote 2.2x the other two shapes at 16
 * writes in flight); the ceiling is the highest.
 */
export async function probeLocalDisk(directory: string, chunkBytes: number, seconds: number, parallelism = 1): Promise<CeilingReading> {
  await mkdir(directory, { recursive: true });
  const chunk = randomBytes(chunkBytes);
  const described = (reading: { megabytesPerSec: number }) => `${reading.megabytesPerSec.toFixed(0)} MB/s`;
  const sequential = { ...(await writeAndSync(directory, chunk, 1, seconds)), objectBytes: chunkBytes };
  if (parallelism <= 1) {
    return { method: `sequential ${chunkBytes}-byte writes, each followed by fdatasync`, ...sequential, parallelism: sequential.lanes };
  }
  const parallel = { ...(await writeAndSync(directory, chunk, parallelism, seconds)), objectBytes: chunkBytes };
  const grouped = { ...(await writeAndSync(directory, Buffer.concat(Array.from({ length: parallelism }, () => chunk)), 1, seconds)), objectBytes: chunkBytes * parallelism };
  const best = [sequential, parallel, grouped].reduce((a, b) => (b.megabytesPerSec > a.megabytesPerSec ? b : a));
  const method =
    `the highest of sequential ${chunkBytes}-byte writes each followed by fdatasync to one file (${described(sequential)}), ` +
    `the same to ${parallelism} files at once (${described(parallel)}) ` +
    `and ${chunkBytes * parallelism}-byte writes (${parallelism} chunks) each followed by fdatasync to one file (${described(grouped)})`;
  return { method, megabytesPerSec: best.megabytesPerSec, objectBytes: best.objectBytes, parallelism: best.lanes, seconds: best.seconds, bytes: best.bytes };
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
