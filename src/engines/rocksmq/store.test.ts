import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeWhenDone, tempDir } from '../../testing/temp-dir.js';
import { backgroundWorkPending, compactionStats, createStore, getOptional, resolveStoreKind, storeDescription, synchronousStep, type StoreIteratorOptions } from './store.js';

const tuning = { compression: true, writeBufferSize: 1024 * 1024, maxFileSize: 1024 * 1024, cacheSize: 1024 * 1024 };

test('store: auto is RocksDB where its prebuilt binding loads (linux-x64 here), leveldb is LevelDB', () => {
  assert.equal(resolveStoreKind('auto'), 'rocksdb');
  assert.equal(resolveStoreKind('rocksdb'), 'rocksdb');
  assert.equal(resolveStoreKind('leveldb'), 'leveldb');
  assert.equal(resolveStoreKind('auto', false), 'leveldb', 'auto without compression: RocksDB here always compresses its deeper levels');
  assert.match(storeDescription('rocksdb'), /^RocksDB \(@nxtedition\/rocksdb \d+\.\d+\.\d+\)$/);
  assert.match(storeDescription('leveldb'), /^LevelDB \(classic-level \d+\.\d+\.\d+\)$/);
});

for (const kind of ['rocksdb', 'leveldb'] as const) {
  test(`a ${kind} store: a missing key reads as undefined, a written one as written, its own stats table`, async (t) => {
    const store = createStore<string, string>(kind, join(await tempDir(t), 'store'), 'utf8', tuning);
    await store.open();
    closeWhenDone(t, () => store.close());
    assert.equal(await getOptional(store, 'absent'), undefined);
    await store.batch([{ type: 'put', key: 'k', value: 'v' }]);
    assert.equal(await getOptional(store, 'k'), 'v');
    assert.match(compactionStats(kind, store), /Level|Compactions/);
  });
}

test('a rocksdb iterator steps on the calling thread: entries in key order, a step ends past its byte bound, the end is empty; leveldb has no such step', async (t) => {
  const rocks = createStore<Buffer, Buffer>('rocksdb', join(await tempDir(t), 'rocks'), 'buffer', tuning);
  const level = createStore<Buffer, Buffer>('leveldb', join(await tempDir(t), 'level'), 'buffer', tuning);
  await Promise.all([rocks.open(), level.open()]);
  closeWhenDone(t, () => Promise.all([rocks.close(), level.close()]));
  await rocks.batch(Array.from({ length: 10 }, (_, id) => ({ type: 'put' as const, key: Buffer.from([id]), value: Buffer.alloc(100, id) })));
  const iterator = rocks.iterator({ highWaterMarkBytes: 250 } as StoreIteratorOptions<Buffer, Buffer>);
  const step = synchronousStep(iterator);
  assert.ok(step, 'RocksDB has a synchronous step');
  const runs: number[][] = [];
  for (let run = step(4); run.length > 0; run = step(4)) {
    for (const [key, value] of run) assert.deepEqual(value, Buffer.alloc(100, key[0]));
    runs.push(run.map(([key]) => key[0]!));
  }
  // 250 bytes a step: the step stops after the entry that passes it (three of 100 bytes), before its size of four.
  assert.deepEqual(runs, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  await iterator.close();
  const levelIterator = level.iterator();
  assert.equal(synchronousStep(levelIterator), undefined);
  await levelIterator.close();
});

test("backgroundWorkPending reads RocksDB's flush and compaction properties; LevelDB does not say", async (t) => {
  const values: Record<string, string> = { 'rocksdb.num-running-compactions': '0', 'rocksdb.compaction-pending': '0', 'rocksdb.num-running-flushes': '0', 'rocksdb.mem-table-flush-pending': '0' };
  const fake = { getProperty: (name: string) => values[name] ?? 'missing' } as never;
  assert.equal(backgroundWorkPending('rocksdb', fake), false);
  for (const name of Object.keys(values)) {
    values[name] = '1';
    assert.equal(backgroundWorkPending('rocksdb', fake), true, name);
    values[name] = '0';
  }
  const directory = await tempDir(t);
  const rocksdb = createStore<Buffer, Buffer>('rocksdb', join(directory, 'r'), 'buffer', tuning);
  await rocksdb.open();
  closeWhenDone(t, () => rocksdb.close());
  await rocksdb.put(Buffer.from('k'), Buffer.from('v'));
  assert.equal(backgroundWorkPending('rocksdb', rocksdb), false, 'an idle store has nothing running or queued');
  assert.equal(backgroundWorkPending('leveldb', rocksdb), undefined);
});
