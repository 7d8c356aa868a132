/**
 * The floor of the rocksmq engine's pub/sub round trip (npm run bench:level-floor): the published rows' sends as bare
 * awaited classic-level puts, one after another, with the engine's LevelDB options and no engine, consumer or harness
 * around them. classic-level has only an asynchronous put (each one a hop to libuv's thread pool and back), so no
 * engine built on it can send faster than this; Milvus's RocksMQ makes a synchronous write from its goroutine.
 * Prints seconds per row (N puts) for each of `ROUNDS` rounds, each into a fresh store.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { defaultRocksMQOptions } from '../src/engines/rocksmq/index.js';
import { formatBytes } from '../src/util/units.js';

const ROWS = [
  { bytes: 1024, messages: 50_000 },
  { bytes: 64 * 1024, messages: 10_000 },
  { bytes: 1024 * 1024, messages: 500 },
  { bytes: 5 * 1024 * 1024, messages: 100 },
];
const ROUNDS = 3;

/** Seconds for `messages` awaited puts of `bytes` into a fresh store under `parent`. */
async function awaitedPuts(parent: string, bytes: number, messages: number): Promise<number> {
  const directory = await mkdtemp(join(parent, 'store-'));
  const { compression, writeBufferSize, maxFileSize, cacheSize } = defaultRocksMQOptions;
  const db = new ClassicLevel<Buffer, Buffer>(directory, { keyEncoding: 'buffer', valueEncoding: 'buffer', compression, writeBufferSize, maxFileSize, cacheSize });
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
  for (const row of ROWS) {
    const rounds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await awaitedPuts(parent, row.bytes, row.messages));
    const perPut = rounds.map((seconds) => ((seconds / row.messages) * 1e6).toFixed(1));
    process.stdout.write(`${formatBytes(row.bytes)} × ${row.messages}: ${rounds.map((seconds) => seconds.toFixed(2)).join(', ')} s (${perPut.join(', ')} µs a put)\n`);
  }
} finally {
  await rm(parent, { recursive: true, force: true });
}
