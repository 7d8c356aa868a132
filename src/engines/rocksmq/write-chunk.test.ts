import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeWhenDone, tempDir } from '../../testing/temp-dir.js';
import { createStore, getOptional, reusableBatch } from './store.js';
import { WriteChunk } from './write-chunk.js';

const tuning = { compression: true, writeBufferSize: 1024 * 1024, maxFileSize: 1024 * 1024, cacheSize: 1024 * 1024 };
const key = (text: string) => Buffer.from(text);

test('through a reused RocksDB batch, a chunk writes what it was given, a value overwritten after putNow included; a chunk given up halfway leaves nothing behind', async (t) => {
  const store = createStore<Buffer, Buffer>('rocksdb', join(await tempDir(t), 'store'), 'buffer', tuning);
  await store.open();
  closeWhenDone(t, () => store.close());
  const reused = reusableBatch(store);
  assert.ok(reused, 'RocksDB has a reusable native batch');
  const abandoned = new WriteChunk(store, false, reused);
  abandoned.add(key('lost'), Buffer.from('never written'));
  const chunk = new WriteChunk(store, false, reused);
  const scratch = Buffer.from('first');
  chunk.putNow(key('a'), scratch);
  scratch.write('XXXXX');
  chunk.add(key('b'), Buffer.from('second'));
  assert.equal(chunk.empty, false);
  await chunk.write();
  assert.equal(chunk.empty, true);
  assert.equal((await getOptional(store, key('a')))?.toString(), 'first', 'the batch copied the value when it was put');
  assert.equal((await getOptional(store, key('b')))?.toString(), 'second');
  assert.equal(await getOptional(store, key('lost')), undefined, "the abandoned chunk's put was cleared by the next chunk");
  // The same batch serves the next chunk, and only its own puts.
  const next = new WriteChunk(store, false, reused);
  next.add(key('c'), Buffer.from('third'));
  await next.write();
  assert.equal((await getOptional(store, key('c')))?.toString(), 'third');
});

test('LevelDB has no reusable batch: its chunks write through abstract-level', async (t) => {
  const store = createStore<Buffer, Buffer>('leveldb', join(await tempDir(t), 'store'), 'buffer', tuning);
  await store.open();
  closeWhenDone(t, () => store.close());
  assert.equal(reusableBatch(store), undefined);
  const chunk = new WriteChunk(store, false, undefined);
  chunk.add(key('a'), Buffer.from('one'));
  await chunk.write();
  assert.equal((await getOptional(store, key('a')))?.toString(), 'one');
});
