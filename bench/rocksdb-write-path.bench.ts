/**
 * What one awaited write of a small value costs through each path into RocksDB's binding: abstract-level's `put`,
 * `batch([put])` and chained batch (each a new batch object with its checks and resources), against the one native
 * batch the rocksmq engine reuses (`reusableBatch`: filled, written on the calling thread, cleared). Prints µs a write
 * per path, ROUNDS rounds.   npm run bench:rocksdb-writes -- [writes] [bytes]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveOptions } from '../src/engines/rocksmq/options.js';
import { createStore, reusableBatch } from '../src/engines/rocksmq/store.js';

const WRITES = Number(process.argv[2] ?? 50_000);
const BYTES = Number(process.argv[3] ?? 1029);
const ROUNDS = 3;

const directory = await mkdtemp(join(tmpdir(), 'mqbench-rocksdb-writes-'));
const store = createStore<Buffer, Buffer>('rocksdb', directory, 'buffer', resolveOptions({}));
await store.open();
const reused = reusableBatch(store);
if (!reused) throw new Error('this RocksDB binding has no reusable native batch');
const value = Buffer.alloc(BYTES, 7);
let id = 0;
const nextKey = () => {
  const key = Buffer.allocUnsafe(8);
  key.writeBigUInt64BE(BigInt(id++));
  return key;
};
const paths: Record<string, () => Promise<void> | void> = {
  put: () => store.put(nextKey(), value),
  'batch([put])': () => store.batch([{ type: 'put', key: nextKey(), value }]),
  'chained batch': () => store.batch().put(nextKey(), value).write(),
  'reused native batch': () => {
    reused.put(nextKey(), value);
    reused.write(false);
  },
};
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, write] of Object.entries(paths)) {
      const startedAt = performance.now();
      for (let index = 0; index < WRITES; index++) await write();
      console.log(`round ${round} ${name}: ${(((performance.now() - startedAt) / WRITES) * 1000).toFixed(2)} µs a write`);
    }
  }
} finally {
  await store.close();
  await rm(directory, { recursive: true, force: true });
}
