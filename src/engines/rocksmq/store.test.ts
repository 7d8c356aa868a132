import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeWhenDone, tempDir } from '../../testing/temp-dir.js';
import { compactionStats, createStore, getOptional, resolveStoreKind, storeDescription } from './store.js';

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
