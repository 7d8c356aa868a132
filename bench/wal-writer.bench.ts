/**
 * The WAL's writer alone on the local disk (segment-file layout), no harness: `inFlight` appenders of 1 MiB entries for
 * `seconds`, then MB/s and append latency. `npm run bench:wal-writer -- <segment MiB> <seconds> <in flight> <write MiB>`
 * (defaults 256 5 16 4); `write MiB` bounds the bytes one write to the segment file carries before its fdatasync
 * (a large one, e.g. 1024, leaves it unbounded). Run settings alternately (A B A B): the disk is shared and noisy.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SegmentFileStore, Wal } from '../src/engines/wal/index.js';

const MiB = 1024 * 1024;
const argument = (index: number, fallback: number) => Number(process.argv[2 + index] ?? fallback);
const [segmentMiB, seconds, inFlight, writeMiB] = [argument(0, 256), argument(1, 5), argument(2, 16), argument(3, 4)];
const dir = await mkdtemp(join(tmpdir(), 'mqbench-wal-writer-'));
try {
  const wal = new Wal(new SegmentFileStore(dir, writeMiB * MiB), 'local-fs', { segmentBytes: segmentMiB * MiB, segmentBlocks: 1_000_000 });
  await wal.createLog('bench');
  const writer = await wal.openWriter('bench');
  const pool = randomBytes(64 * MiB);
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, lane) => {
      for (let index = lane; performance.now() < deadline; index += inFlight) {
        const sent = performance.now();
        await writer.append(pool.subarray((index % 64) * MiB, (index % 64 + 1) * MiB));
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await writer.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!.toFixed(1);
  console.log(
    `segments ${segmentMiB} MiB, ${inFlight} in flight, writes ≤ ${writeMiB} MiB: ${((latencies.length * MiB) / 1e6 / elapsed).toFixed(0)} MB/s, ` +
      `append p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (${latencies.length} appends in ${elapsed.toFixed(1)} s)`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
