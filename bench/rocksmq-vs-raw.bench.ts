/**
 * The rocksmq engine's writes against raw writes of the same shape to the same kind of store, alternated in one
 * process (npm run bench:rocksmq-vs-raw -- <bytes> <messages> [rocksdb|leveldb]): 256 concurrent producers, each
 * message awaited, the first fifth warm-up; raw writes are one-put batches into a fresh store with the engine's
 * options, as the calibration makes them. Prints msg/s and process CPU seconds per round, and the store's compaction
 * table after each (`<store>.stats`): compactions that read messages back are the store rewriting what it wrote.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RocksMQ } from '../src/engines/rocksmq/index.js';
import { resolveOptions } from '../src/engines/rocksmq/options.js';
import { compactionStats, createStore, resolveStoreKind, type KeyValueStore } from '../src/engines/rocksmq/store.js';

const BYTES = Number(process.argv[2] ?? 64 * 1024);
const MESSAGES = Number(process.argv[3] ?? 20_000);
const PRODUCERS = 256;
const ROUNDS = 3;
const STORE = resolveStoreKind((process.argv[4] as 'rocksdb' | 'leveldb' | undefined) ?? 'auto');
const options = resolveOptions({ store: STORE });
const payloads = Array.from({ length: 64 }, () => randomBytes(BYTES));

/** Runs `write` from PRODUCERS concurrent producers; msg/s after the first fifth. */
async function rate(write: (index: number) => Promise<unknown>): Promise<number> {
  const warmup = Math.floor(MESSAGES / 5);
  let next = 0;
  let startedAt = 0;
  await Promise.all(Array.from({ length: PRODUCERS }, async () => {
    for (let index = next++; index < MESSAGES; index = next++) {
      await write(index);
      if (index === warmup) startedAt = performance.now();
    }
  }));
  return (MESSAGES - warmup) / ((performance.now() - startedAt) / 1000);
}

async function engineRound(directory: string): Promise<{ rate: number; stats: string }> {
  const engine = await RocksMQ.open(directory, options);
  await engine.createTopic('t');
  const result = await rate((index) => engine.produce('t', [{ payload: payloads[index % payloads.length]! }]));
  const stats = compactionStats(STORE, (engine as unknown as { messages: KeyValueStore<unknown, unknown> }).messages);
  await engine.close();
  return { rate: result, stats };
}

async function rawRound(directory: string): Promise<{ rate: number; stats: string }> {
  const db = createStore<Buffer, Buffer>(STORE, directory, 'buffer', options);
  await db.open();
  const result = await rate((index) => {
    const key = Buffer.allocUnsafe(8);
    key.writeBigUInt64BE(BigInt(index));
    return db.batch([{ type: 'put', key, value: payloads[index % payloads.length]! }]);
  });
  const stats = compactionStats(STORE, db);
  await db.close();
  return { rate: result, stats };
}

for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, run] of [['raw', rawRound], ['engine', engineRound]] as const) {
    const directory = await mkdtemp(join(tmpdir(), 'mqbench-vs-raw-'));
    const cpu = process.cpuUsage();
    const { rate: perSecond, stats } = await run(directory);
    const used = process.cpuUsage(cpu);
    console.log(`round ${round} ${name} on ${STORE}: ${Math.round(perSecond)} msg/s, ${((used.user + used.system) / 1e6).toFixed(1)} CPU s\n${stats}`);
    await rm(directory, { recursive: true, force: true });
  }
}
