/**
 * The floor of the rocksmq engine's pub/sub round trip (npm run bench:level-floor): the published rows' sends as bare
 * awaited puts, one after another, with the engine's options and no engine, consumer or harness around them, on each
 * store the engine runs on. classic-level (LevelDB) has only an asynchronous put, each one a hop to libuv's thread
 * pool and back; @nxtedition/rocksdb (RocksDB) applies a write batch on the calling thread, as Milvus's RocksMQ writes
 * synchronously from its goroutine. Prints seconds per row (N puts) per store for each of `ROUNDS` rounds, the stores
 * alternated, each round into a fresh store.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRocksMQOptions } from '../src/engines/rocksmq/index.js';
import { createStore, resolveStoreKind, type StoreKind } from '../src/engines/rocksmq/store.js';
import { formatBytes } from '../src/util/units.js';

const ROWS = [
  { bytes: 1024, messages: 50_000 },
  { bytes: 64 * 1024, messages: 10_000 },
  { bytes: 1024 * 1024, messages: 500 },
  { bytes: 5 * 1024 * 1024, messages: 100 },
];
const ROUNDS = 3;

/** Seconds for `messages` awaited puts of `bytes` into a fresh store under `parent`. */
async function awaitedPuts(kind: StoreKind, parent: string, bytes: number, messages: number): Promise<number> {
  const directory = await mkdtemp(join(parent, 'store-'));
  const db = createStore<Buffer, Buffer>(kind, directory, 'buffer', defaultRocksMQOptions);
  await db.open();
  const value = randomBytes(bytes);
  const key = Buffer.alloc(16);
  const start = process.hrtime.bigint();
  for (let index = 0; index < messages; index++) {
    key.writeUInt32BE(index, 12);
    await db.put(key, value);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await db.close();
  await rm(directory, { recursive: true, force: true });
  return seconds;
}

const parent = await mkdtemp(join(process.env.MQBENCH_BENCH_DIR ?? tmpdir(), 'mqbench-level-floor-'));
try {
  const kinds = [...new Set([resolveStoreKind('auto'), 'leveldb' as const])];
  for (const row of ROWS) {
    const rounds = new Map<StoreKind, number[]>(kinds.map((kind) => [kind, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of kinds) rounds.get(kind)!.push(await awaitedPuts(kind, parent, row.bytes, row.messages));
    }
    for (const [kind, seconds] of rounds) {
      const perPut = seconds.map((each) => ((each / row.messages) * 1e6).toFixed(1));
      process.stdout.write(`${kind} ${formatBytes(row.bytes)} × ${row.messages}: ${seconds.map((each) => each.toFixed(2)).join(', ')} s (${perPut.join(', ')} µs a put)\n`);
    }
  }
} finally {
  await rm(parent, { recursive: true, force: true });
}
