/**
 * Two conditions that set what a RocksDB write costs, beyond the write itself (they shape the rocksmq calibration):
 * - `content`: the engine's produce() from CALLERS concurrent callers (group commit), each message's body either one
 *   random body repeated or distinct random bodies (the trial's payload generator). RocksDB compresses what it
 *   compacts, so a repeated body costs it almost nothing. Prints msg/s and µs a message inside RocksDB's write.
 * - `neighbour`: one store filled with NEIGHBOUR messages in 1 MiB batches (a trial's store), then raw single puts of
 *   the same size into a second store, at once (the first still compacting) or after the first's flushes and
 *   compactions have ended. Prints the raw msg/s, the wait, and the first store's pending compaction bytes.
 * Each way alternated ROUNDS times.
 *   npm run bench:rocksdb-conditions -- content [messages] [bytes]
 *   npm run bench:rocksdb-conditions -- neighbour [messages] [bytes] [neighbour messages]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RocksMQ } from '../src/engines/rocksmq/index.js';
import { resolveOptions } from '../src/engines/rocksmq/options.js';
import { backgroundWorkPending, createStore, reusableBatch, type KeyValueStore, type ReusableBatch } from '../src/engines/rocksmq/store.js';
import { ENVELOPE_BYTES } from '../src/workloads/envelope.js';
import { PayloadSource } from '../src/workloads/payload.js';

const MODE = process.argv[2] ?? 'content';
const MESSAGES = Number(process.argv[3] ?? (MODE === 'content' ? 300_000 : 20_000));
const BYTES = Number(process.argv[4] ?? (MODE === 'content' ? 1024 : 65536));
const NEIGHBOUR = Number(process.argv[5] ?? 33_500);
const CALLERS = 256;
const ROUNDS = 2;

const directory = await mkdtemp(join(tmpdir(), 'mqbench-rocksdb-conditions-'));
const bodies = new PayloadSource('random', BYTES - ENVELOPE_BYTES, 100_000, 1);
const messageKey = (id: number) => {
  const key = Buffer.allocUnsafe(8);
  key.writeBigUInt64BE(BigInt(id));
  return key;
};

/** The engine's produce() of MESSAGES, each body repeated or distinct; msg/s and µs a message in RocksDB's write. */
async function produce(distinct: boolean, round: number): Promise<Record<string, number | string>> {
  const engine = await RocksMQ.open(join(directory, `engine-${round}-${distinct}`), { store: 'rocksdb' });
  const batch = (engine as unknown as { reusedBatch: ReusableBatch }).reusedBatch;
  const write = batch.write;
  let writeMs = 0;
  batch.write = (sync) => {
    const startedAt = performance.now();
    write(sync);
    writeMs += performance.now() - startedAt;
  };
  await engine.createTopic('t');
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < MESSAGES) {
        const payload = Buffer.allocUnsafe(BYTES);
        bodies.writeMessage(distinct ? next : 0, payload);
        next += 1;
        await engine.produce('t', [{ payload }]);
      }
    }),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  await engine.close();
  return { bodies: distinct ? 'distinct' : 'one repeated', msgPerSec: Math.round(MESSAGES / seconds), writeUsPerMessage: +((writeMs * 1000) / MESSAGES).toFixed(2) };
}

/** Single puts from CALLERS writers into a fresh store beside a neighbour just filled; msg/s after its first fifth. */
async function besideNeighbour(wait: boolean, round: number): Promise<Record<string, number | string>> {
  const open = async (name: string) => {
    const store = createStore<Buffer, Buffer>('rocksdb', join(directory, `${name}-${round}-${wait}`), 'buffer', resolveOptions({}));
    await store.open();
    return store;
  };
  const neighbour = await open('neighbour');
  const filling = reusableBatch(neighbour)!;
  const value = Buffer.allocUnsafe(BYTES);
  for (let id = 0; id < NEIGHBOUR; ) {
    filling.clear();
    for (let bytes = 0; bytes < 1024 * 1024 && id < NEIGHBOUR; bytes += BYTES, id++) {
      bodies.writeMessage(id, value);
      filling.put(messageKey(id), value);
    }
    filling.write(false);
    await new Promise(setImmediate);
  }
  const pendingBytes = (store: KeyValueStore<Buffer, Buffer>) => Number((store as unknown as { getProperty(name: string): string }).getProperty('rocksdb.estimate-pending-compaction-bytes'));
  const pendingBefore = pendingBytes(neighbour);
  const waitStartedAt = performance.now();
  while (wait && backgroundWorkPending('rocksdb', neighbour)) await new Promise((resolve) => setTimeout(resolve, 100));
  const waitedMs = performance.now() - waitStartedAt;
  const raw = await open('raw');
  const puts = reusableBatch(raw)!;
  const warmup = Math.floor(MESSAGES / 5);
  let next = 0;
  let startedAt = 0;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      const scratch = Buffer.allocUnsafe(BYTES);
      for (let id = next++; id < MESSAGES; id = next++) {
        bodies.writeMessage(id, scratch);
        puts.put(messageKey(id), scratch);
        puts.write(false);
        await undefined;
        if (id === warmup) startedAt = performance.now();
      }
    }),
  );
  const rate = (MESSAGES - warmup) / ((performance.now() - startedAt) / 1000);
  await Promise.all([neighbour.close(), raw.close()]);
  return { neighbour: wait ? 'compactions ended' : 'compacting', waitedMs: Math.round(waitedMs), neighbourPendingMB: Math.round(pendingBefore / 1e6), rawMsgPerSec: Math.round(rate) };
}

try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const way of [false, true]) {
      const result = MODE === 'content' ? await produce(way, round) : await besideNeighbour(way, round);
      console.log(JSON.stringify({ round, messages: MESSAGES, bytes: BYTES, ...result }));
    }
  }
} finally {
  await rm(directory, { recursive: true, force: true });
}
