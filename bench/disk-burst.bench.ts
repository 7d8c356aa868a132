/**
 * How this machine's disk takes a long run of fdatasynced writes: `npm run bench:disk-burst -- <seconds> <write MiB>`
 * (defaults 15 and 8) writes `write MiB` chunks to one file, each followed by fdatasync, and prints MB/s per second
 * of the run. A disk with a write burst (a host cache or credit) shows a fast start and then a lower sustained rate;
 * a probe run right after a trial then meets the lower one.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const seconds = Number(process.argv[2] ?? 15);
const chunk = randomBytes(Number(process.argv[3] ?? 8) * 1024 * 1024);
const dir = await mkdtemp(join(tmpdir(), 'mqbench-disk-burst-'));
try {
  const handle = await open(join(dir, 'burst.bin'), 'w');
  const started = performance.now();
  const perSecond: number[] = [];
  let position = 0;
  while (performance.now() - started < seconds * 1000) {
    await handle.write(chunk, 0, chunk.length, position);
    await handle.datasync();
    position += chunk.length;
    const second = Math.floor((performance.now() - started) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + chunk.length;
  }
  await handle.close();
  const rates = Array.from(perSecond, (bytes) => ((bytes ?? 0) / 1e6).toFixed(0));
  console.log(`MB/s per second of ${chunk.length / 1024 / 1024} MiB writes + fdatasync: ${rates.join(' ')}; ${(position / 1e9).toFixed(1)} GB in all`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
