/**
 * A RocksDB iterator's read of 1 KiB values with the system's malloc and with jemalloc, alternated in fresh processes
 * over one store (npm run bench:allocator -- [messages] [bytes] [rounds]). Each value becomes a Buffer of its own,
 * malloc'd on the main thread and freed by V8 on a background thread: the pattern of every client library's reads.
 * Prints µs and CPU µs per entry. Needs libjemalloc.so.2 (npm run setup).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveOptions } from '../src/engines/rocksmq/options.js';
import { createStore, reusableBatch, synchronousStep } from '../src/engines/rocksmq/store.js';
import { allocatorInForce, allocatorPreload, findJemalloc } from '../src/util/allocator.js';

const STEP = 1000;

async function openStore(directory: string) {
  const store = createStore<Buffer, Buffer>('rocksdb', directory, 'buffer', resolveOptions({ store: 'rocksdb' }));
  await store.open();
  return store;
}

/** In a child: reads the whole store three times, prints one JSON line per pass. */
async function readPasses(directory: string): Promise<void> {
  const store = await openStore(directory);
  for (let pass = 0; pass < 3; pass++) {
    const iterator = store.iterator({ highWaterMarkBytes: 1 << 20 } as never);
    const step = synchronousStep(iterator)!;
    const cpu = process.cpuUsage();
    const startedAt = performance.now();
    let entries = 0;
    for (let run = step(STEP); run.length > 0; run = step(STEP)) entries += run.length;
    const micros = (performance.now() - startedAt) * 1000;
    const used = process.cpuUsage(cpu);
    await iterator.close();
    console.log(JSON.stringify({ allocator: allocatorInForce(), usPerEntry: micros / entries, cpuUsPerEntry: (used.user + used.system) / entries }));
  }
  await store.close();
}

if (process.argv[2] === '--child') {
  await readPasses(process.argv[3]!);
} else {
  const messages = Number(process.argv[2] ?? 200_000);
  const bytes = Number(process.argv[3] ?? 1024);
  const rounds = Number(process.argv[4] ?? 3);
  const jemalloc = findJemalloc();
  if (!jemalloc) throw new Error('libjemalloc.so.2 is not installed (npm run setup, or apt-get install libjemalloc2)');
  const directory = await mkdtemp(join(tmpdir(), 'mqbench-allocator-'));
  const store = await openStore(directory);
  const batch = reusableBatch(store)!;
  const pool = randomBytes(bytes * 64);
  for (let id = 0; id < messages; id++) {
    const key = Buffer.allocUnsafe(8);
    key.writeBigUInt64BE(BigInt(id));
    batch.put(key, pool.subarray((id % 64) * bytes, (id % 64 + 1) * bytes));
    batch.write(false);
  }
  await store.close();
  const self = fileURLToPath(import.meta.url);
  for (let round = 1; round <= rounds; round++) {
    for (const allocator of [{ name: 'system' as const }, { name: 'jemalloc' as const, library: jemalloc }]) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', directory], {
        env: { ...process.env, ...allocatorPreload(allocator) },
        encoding: 'utf8',
        timeout: 300_000,
      });
      if (child.status !== 0) throw new Error(`the ${allocator.name} reader failed: ${child.stderr}`);
      const passes = child.stdout.trim().split('\n').map((line) => JSON.parse(line) as { allocator: string; usPerEntry: number; cpuUsPerEntry: number });
      const shown = passes.map((pass) => `${pass.usPerEntry.toFixed(2)} µs (${pass.cpuUsPerEntry.toFixed(2)} CPU)`).join(', ');
      console.log(`round ${round} ${passes[0]!.allocator}: ${shown} per ${bytes}-byte entry, ${messages} entries a pass`);
    }
  }
  await rm(directory, { recursive: true, force: true });
}
