import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../testing/temp-dir.js';
import { withTimeout } from '../../util/timeout.js';
import { decodeBlockHeader, encodeBlock, encodeFence } from './block.js';
import { readFooter } from './footer.js';
import { walKey } from './keys.js';
import { SegmentFileStore } from './segment-file-store.js';
import { Wal } from './wal.js';
import { FencedError } from './writer.js';

const entry = (text: string) => Buffer.from(text);
const segmentDirectory = (root: string, segment: number) => join(root, 'log', String(segment).padStart(8, '0'));

/** A WAL on its own store instance over `root`, as another process would open it. */
async function openWal(root: string): Promise<Wal> {
  const wal = new Wal(new SegmentFileStore(root), 'local-fs', { flushIntervalMs: 2 });
  await wal.createLog('log');
  return wal;
}

async function readAll(wal: Wal, count: number): Promise<string[]> {
  const reader = await wal.openReader('log', 'earliest');
  const out: string[] = [];
  const stop = AbortSignal.timeout(5000);
  while (out.length < count && !stop.aborted) out.push(...(await reader.next(stop)).map((read) => read.payload.toString()));
  return out;
}

test('a segment is one data file of appended blocks, and a footer; no file per block', async (t) => {
  const root = await tempDir(t);
  const wal = await openWal(root);
  t.after(() => wal.close());
  const writer = await wal.openWriter('log');
  for (let i = 0; i < 5; i++) await writer.append(entry(`e${i}`));
  await writer.close();
  const files = await readdir(segmentDirectory(root, writer.segment));
  assert.deepEqual(files.sort(), ['data.log', 'footer.json']);
  const footer = await readFooter(wal.store, 'log', writer.segment);
  const bytes = footer!.blocks.reduce((sum, block) => sum + 40 + block.bytes, 0);
  assert.equal((await stat(join(segmentDirectory(root, writer.segment), 'data.log'))).size, bytes, 'the blocks, back to back');
  assert.deepEqual(await readAll(wal, 5), ['e0', 'e1', 'e2', 'e3', 'e4']);
});

test('a writer in another process is fenced by the flag file: its next append fails, and its acknowledged entries stay', async (t) => {
  const root = await tempDir(t);
  const [stale, fresh] = [await openWal(root), await openWal(root)];
  t.after(() => Promise.all([stale.close(), fresh.close()]));
  const old = await stale.openWriter('log');
  await old.append(entry('before'));
  const next = await fresh.openWriter('log');
  assert.equal(await readFile(join(segmentDirectory(root, old.segment), 'write.fence'), 'utf8'), '1', 'fenced after its one block');
  await assert.rejects(old.append(entry('stale')), FencedError);
  await next.append(entry('after'));
  await next.close();
  const reader = await openWal(root);
  t.after(() => reader.close());
  assert.deepEqual(await readAll(reader, 2), ['before', 'after']);
});

test('after a crash a torn last block is cut off and never served; the blocks before it are', async (t) => {
  const root = await tempDir(t);
  const crashed = await openWal(root);
  const writer = await crashed.openWriter('log');
  for (let i = 0; i < 3; i++) await writer.append(entry(`durable-${i}`));
  writer.abandon('simulated crash');
  await crashed.close();
  // Half of a fourth block, as a crash in the middle of its write leaves it.
  const data = join(segmentDirectory(root, writer.segment), 'data.log');
  const intact = (await stat(data)).size;
  const torn = encodeBlock(writer.segment, 3, 3, [Buffer.alloc(1000, 7)]);
  await appendFile(data, torn.subarray(0, torn.length / 2));
  const wal = await openWal(root);
  t.after(() => wal.close());
  const next = await wal.openWriter('log');
  const footer = await readFooter(wal.store, 'log', writer.segment);
  assert.equal(footer?.reason, 'fenced');
  assert.equal(footer?.lastEntry, 2);
  assert.equal((await stat(data)).size, intact, 'the torn block is cut off');
  await next.append(entry('after'));
  await next.close();
  assert.deepEqual(await readAll(wal, 4), ['durable-0', 'durable-1', 'durable-2', 'after']);
});

test('a damaged block in the middle of a segment file ends what a scan serves there', async (t) => {
  const root = await tempDir(t);
  const wal = await openWal(root);
  const writer = await wal.openWriter('log');
  for (let i = 0; i < 3; i++) await writer.append(entry(`e${i}`));
  writer.abandon('simulated crash');
  await wal.close();
  const data = join(segmentDirectory(root, writer.segment), 'data.log');
  const bytes = await readFile(data);
  const secondBlock = 40 + 8 + 2; // after the first block: header, record header, "e0"
  bytes[secondBlock + 40 + 8]! ^= 0xff;
  await writeFile(data, bytes);
  const store = new SegmentFileStore(root);
  t.after(() => store.close());
  const keys = (await store.list(`log/${String(writer.segment).padStart(8, '0')}/`)).filter((key) => key.endsWith('.blk'));
  assert.equal(keys.length, 1, 'only the block before the damaged one');
});

test('a fence asked for below blocks that landed first moves past them, and is granted there only to its fencer', async (t) => {
  const root = await tempDir(t);
  const [writer, fencer, other] = [new SegmentFileStore(root), new SegmentFileStore(root), new SegmentFileStore(root)];
  t.after(() => Promise.all([writer.close(), fencer.close(), other.close()]));
  for (const block of [0, 1]) assert.equal(await writer.putIfAbsent(walKey.block('log', 0, block), encodeBlock(0, block, block, [entry(`b${block}`)])), true);
  // The fencer counted one block, then block 1 landed: its fence at 1 loses, as a create-only-if-absent put would.
  assert.equal(await fencer.putIfAbsent(walKey.block('log', 0, 1), encodeFence(0, 1)), false);
  assert.equal(await readFile(join(segmentDirectory(root, 0), 'write.fence'), 'utf8'), '2', 'moved past the block that landed');
  assert.equal(await writer.putIfAbsent(walKey.block('log', 0, 2), encodeBlock(0, 2, 2, [entry('late')])), false, 'the writer is fenced meanwhile');
  assert.equal(await other.putIfAbsent(walKey.block('log', 0, 2), encodeFence(0, 2)), false, 'another fencer does not get it');
  assert.equal(await fencer.putIfAbsent(walKey.block('log', 0, 2), encodeFence(0, 2)), true, 'its fencer does, asking again there');
  assert.deepEqual(await fencer.list('log/00000000/'), ['log/00000000/00000000.blk', 'log/00000000/00000001.blk', 'log/00000000/00000002.blk']);
});

test('a fencer whose fence was moved is granted it past the flag too, where a listing shows the first gap; the flag stays', async (t) => {
  const root = await tempDir(t);
  const [writer, fencer] = [new SegmentFileStore(root), new SegmentFileStore(root)];
  t.after(() => Promise.all([writer.close(), fencer.close()]));
  for (const block of [0, 1]) assert.equal(await writer.putIfAbsent(walKey.block('log', 0, block), encodeBlock(0, block, block, [entry(`b${block}`)])), true);
  assert.equal(await fencer.putIfAbsent(walKey.block('log', 0, 1), encodeFence(0, 1)), false);
  const listed = await fencer.list('log/00000000/');
  assert.deepEqual(listed, ['log/00000000/00000000.blk', 'log/00000000/00000001.blk', 'log/00000000/00000002.blk'], 'the flag lists as block 2');
  assert.equal(await fencer.putIfAbsent(walKey.block('log', 0, 3), encodeFence(0, 3)), true, 'granted at the first gap of that listing');
  assert.equal(await readFile(join(segmentDirectory(root, 0), 'write.fence'), 'utf8'), '2', 'the flag did not move again');
  assert.equal(decodeBlockHeader((await fencer.get(walKey.block('log', 0, 2)))!).kind, 'fence', 'block 2 reads as the fence');
  assert.equal(await fencer.putIfAbsent(walKey.block('log', 0, 4), encodeFence(0, 4)), false, 'granted once');
});

test('blocks queued together past the bytes of one write go out in the writes that follow, in order, all acknowledged', async (t) => {
  const root = await tempDir(t);
  // 100 bytes a write: every block (a 40-byte header and a record) goes alone, so nearly all wait in the queue.
  const store = new SegmentFileStore(root, 100);
  t.after(() => store.close());
  const blocks = Array.from({ length: 40 }, (_, block) => encodeBlock(0, block, block, [entry(`b${block}-${'x'.repeat(30)}`)]));
  const appends = Promise.all(blocks.map((body, block) => store.putIfAbsent(walKey.block('log', 0, block), body)));
  const appended = await withTimeout(appends, 10_000, 'writing the queued blocks');
  assert.deepEqual(appended, blocks.map(() => true));
  const data = await readFile(join(segmentDirectory(root, 0), 'data.log'));
  assert.ok(data.equals(Buffer.concat(blocks)), 'the file is the blocks back to back, in order');
});

test("a new writer syncs the old writer's segment before sealing it: a footer never names blocks a power loss could drop", async (t) => {
  const root = await tempDir(t);
  const wal = await openWal(root);
  t.after(() => wal.close());
  const writer = await wal.openWriter('log');
  for (let i = 0; i < 3; i++) await writer.append(entry(`e${i}`));
  const segment = writer.segment;
  // Another process opens the log for writing, as after a kill: it fences and seals the old writer's segment.
  const store = new SegmentFileStore(root);
  const calls: string[] = [];
  const syncPrefix = store.syncPrefix.bind(store);
  const putIfAbsent = store.putIfAbsent.bind(store);
  store.syncPrefix = async (prefix) => {
    calls.push(`sync ${prefix}`);
    await syncPrefix(prefix);
  };
  store.putIfAbsent = async (key, body) => {
    if (key.endsWith('footer.json')) calls.push(`seal ${key}`);
    return putIfAbsent(key, body);
  };
  const next = new Wal(store, 'local-fs', { flushIntervalMs: 2 });
  t.after(() => next.close());
  await (await next.openWriter('log')).close();
  const prefix = walKey.segmentPrefix('log', segment);
  const sealed = calls.indexOf(`seal ${walKey.footer('log', segment)}`);
  assert.ok(sealed > 0 && calls.slice(0, sealed).includes(`sync ${prefix}`), calls.join('; '));
});
