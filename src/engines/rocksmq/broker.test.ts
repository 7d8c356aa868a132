import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { closeWhenDone, tempDir } from '../../testing/temp-dir.js';
import { RocksMQ } from './broker.js';
import type { RocksMQOptions } from './options.js';
import { resolveOptions } from './options.js';
import { compactionStats, createStore, type KeyValueStore, type ReusableBatch } from './store.js';

const text = (value: string) => ({ payload: Buffer.from(value) });
const payloads = (messages: { payload: Buffer }[]) => messages.map((message) => message.payload.toString());

async function drainMessages(engine: RocksMQ, topic: string, group: string): Promise<{ payload: Buffer }[]> {
  const out: { payload: Buffer }[] = [];
  for (;;) {
    const batch = await engine.consume(topic, group, 100);
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

async function drain(engine: RocksMQ, topic: string, group: string): Promise<string[]> {
  return payloads(await drainMessages(engine, topic, group));
}

// Every behaviour on both stores the engine runs on.
for (const store of ['rocksdb', 'leveldb'] as const) {
  describe(`on ${store}`, () => {
    const open = (directory: string, options: RocksMQOptions = {}) => RocksMQ.open(directory, { store, ...options });

    test('messages are consumed in produce order with strictly increasing ids', async (t) => {
      const engine = await open(await tempDir(t));
      closeWhenDone(t, () => engine.close());
      assert.equal(engine.readsOnCallingThread, store === 'rocksdb', 'RocksDB steps its iterators on the calling thread, LevelDB on the thread pool');
      assert.equal(engine.writesThroughReusedBatch, store === 'rocksdb', 'RocksDB writes through one reused native batch');
      await engine.createTopic('orders');
      const first = await engine.produce('orders', [text('a'), text('b')]);
      const second = await engine.produce('orders', [text('c')]);
      assert.deepEqual([...first, ...second], [0, 1, 2]);
      await engine.subscribe('orders', 'g', 'earliest');
      const consumed = await engine.consume('orders', 'g', 10);
      assert.deepEqual(payloads(consumed), ['a', 'b', 'c']);
      assert.deepEqual(
        consumed.map((message) => message.id),
        [0, 1, 2],
      );
    });

    test('a message without properties is stored bare, its payload as it is; one with them, enveloped; both read back, cached or not', async (t) => {
      const dir = await tempDir(t);
      let engine = await open(dir, { tailCacheBytes: 1600 });
      await engine.createTopic('t');
      const withProperties = (value: string) => ({ payload: Buffer.from(value), properties: { key: value } });
      const large = Buffer.alloc(500, 7);
      // No group: nothing cached, every message read back from the store; then a group at the tail, so all are cached.
      await engine.produce('t', [text('a'), withProperties('b'), { payload: large }]);
      await engine.subscribe('t', 'g', 'latest');
      await engine.produce('t', [withProperties('c'), text('d')]);
      const internals = engine as unknown as { messages: KeyValueStore<Buffer, Buffer> };
      const values = await internals.messages.values().all();
      assert.deepEqual(values[0], Buffer.from('a'), 'bare: the payload itself');
      assert.deepEqual(values[2], large);
      assert.notDeepEqual(values[1], Buffer.from('b'), 'enveloped');
      const read = (messages: Array<{ payload: Buffer; properties?: Record<string, string> }>) => messages.map(({ payload, properties }) => `${payload.length > 100 ? `large ${payload.length}` : payload.toString()} ${JSON.stringify(properties ?? {})}`);
      assert.deepEqual(read(await engine.consume('t', 'g', 10)), ['c {"key":"c"}', 'd {}'], 'from the tail cache');
      await engine.close();
      engine = await open(dir);
      closeWhenDone(t, () => engine.close());
      await engine.subscribe('t', 'all', 'earliest');
      assert.deepEqual(read(await drainMessages(engine, 't', 'all')), ['a {}', 'b {"key":"b"}', 'large 500 {}', 'c {"key":"c"}', 'd {}'], 'from the store, after a reopen');
    });

    test('a store whose message keys have another layout is refused, not misread', async (t) => {
      const dir = await tempDir(t);
      const engine = await open(dir);
      await engine.createTopic('t');
      await engine.close();
      const meta = createStore<string, string>(store, join(dir, 'meta'), 'utf8', resolveOptions({ store }), true);
      await meta.open();
      await meta.del('store/layout');
      await meta.close();
      await assert.rejects(open(dir), /holds a rocksmq store of an earlier layout \(message keys without their value's format byte\): start from an empty directory/);
      await meta.open();
      await meta.put('store/layout', 'topic/id');
      await meta.close();
      await assert.rejects(open(dir), /earlier layout \(topic\/id\)/);
    });

    test('ids keep increasing across a reopen, and group positions persist', async (t) => {
      const dir = await tempDir(t);
      let engine = await open(dir);
      await engine.createTopic('t');
      await engine.produce('t', [text('1'), text('2'), text('3')]);
      await engine.subscribe('t', 'g', 'earliest');
      const [first] = await engine.consume('t', 'g', 1);
      engine.ack('t', 'g', first!.id);
      await engine.close();

      engine = await open(dir);
      closeWhenDone(t, () => engine.close());
      assert.equal(await engine.hasTopic('t'), true);
      const [nextId] = await engine.produce('t', [text('4')]);
      assert.equal(nextId, 3);
      await engine.subscribe('t', 'g');
      assert.deepEqual(await drain(engine, 't', 'g'), ['2', '3', '4']);
    });

    test('unacked messages are redelivered when a group resubscribes', async (t) => {
      const engine = await open(await tempDir(t));
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.produce('t', [text('a'), text('b'), text('c')]);
      await engine.subscribe('t', 'g');
      const batch = await engine.consume('t', 'g', 3);
      engine.ack('t', 'g', batch[0]!.id);
      await engine.subscribe('t', 'g');
      assert.deepEqual(await drain(engine, 't', 'g'), ['b', 'c']);
    });

    test('consumer groups keep independent positions', async (t) => {
      const engine = await open(await tempDir(t));
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.produce('t', [text('a'), text('b')]);
      await engine.subscribe('t', 'one');
      await engine.subscribe('t', 'two');
      assert.deepEqual(payloads(await engine.consume('t', 'one', 1)), ['a']);
      assert.deepEqual(payloads(await engine.consume('t', 'two', 2)), ['a', 'b']);
      assert.deepEqual(payloads(await engine.consume('t', 'one', 5)), ['b']);
    });

    test('subscribe from earliest, latest or a given id', async (t) => {
      const engine = await open(await tempDir(t));
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.produce('t', [text('a'), text('b'), text('c')]);
      await engine.subscribe('t', 'early', 'earliest');
      await engine.subscribe('t', 'late', 'latest');
      await engine.subscribe('t', 'incl', { id: 1, inclusive: true });
      await engine.subscribe('t', 'excl', { id: 1, inclusive: false });
      await engine.produce('t', [text('d')]);
      assert.deepEqual(await drain(engine, 't', 'early'), ['a', 'b', 'c', 'd']);
      assert.deepEqual(await drain(engine, 't', 'late'), ['d']);
      assert.deepEqual(await drain(engine, 't', 'incl'), ['b', 'c', 'd']);
      assert.deepEqual(await drain(engine, 't', 'excl'), ['c', 'd']);
    });

    test('seek repositions a group and survives a restart', async (t) => {
      const dir = await tempDir(t);
      let engine = await open(dir);
      await engine.createTopic('t');
      await engine.produce('t', ['a', 'b', 'c', 'd'].map(text));
      await engine.subscribe('t', 'g');
      await drain(engine, 't', 'g');
      await engine.seek('t', 'g', 2);
      assert.deepEqual(await drain(engine, 't', 'g'), ['c', 'd']);
      await engine.seek('t', 'g', 1);
      await engine.close();
      engine = await open(dir);
      closeWhenDone(t, () => engine.close());
      await engine.subscribe('t', 'g');
      assert.deepEqual(await drain(engine, 't', 'g'), ['b', 'c', 'd']);
    });

    test('waitForMessages wakes a consumer when a message is produced, without polling', async (t) => {
      const engine = await open(await tempDir(t));
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      let woke = false;
      const waiting = engine.waitForMessages('t', 'g').then(() => (woke = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(woke, false);
      await engine.produce('t', [text('x')]);
      await waiting;
      assert.equal(woke, true);
    });

    test('concurrent producers get distinct, strictly increasing ids and nothing is lost', async (t) => {
      const engine = await open(await tempDir(t));
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      const producers = Array.from({ length: 8 }, (_, p) =>
        Promise.all(Array.from({ length: 50 }, (_, i) => engine.produce('t', [text(`${p}:${i}`)]))),
      );
      const ids = (await Promise.all(producers)).flat(2);
      assert.equal(new Set(ids).size, 400);
      await engine.subscribe('t', 'g');
      const consumed = await engine.consume('t', 'g', 1000);
      assert.equal(consumed.length, 400);
      for (let i = 1; i < consumed.length; i++) assert.ok(consumed[i]!.id > consumed[i - 1]!.id);
      for (let p = 0; p < 8; p++) {
        const mine = payloads(consumed).filter((value) => value.startsWith(`${p}:`));
        assert.deepEqual(
          mine,
          Array.from({ length: 50 }, (_, i) => `${p}:${i}`),
          `producer ${p} order`,
        );
      }
    });

    test('retention by age deletes only acked pages, by range', async (t) => {
      const engine = await open(await tempDir(t), { pageBytes: 10, retentionMaxAgeMs: 1000, retentionIntervalMs: 0 });
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      // 5-byte messages, 10-byte pages: pages end at ids 1, 3, 5; id 6 is in the open page.
      await engine.produce('t', ['aaaaa', 'bbbbb', 'ccccc', 'ddddd', 'eeeee', 'fffff', 'ggggg'].map(text));
      const consumed = await engine.consume('t', 'g', 4);
      engine.ack('t', 'g', consumed[3]!.id); // acks ids 0..3: pages ending at 1 and 3
      await engine.flushAcks();
      assert.deepEqual(await engine.runRetention(Date.now()), { pages: 0, bytes: 0 }, 'not yet expired');
      const removed = await engine.runRetention(Date.now() + 5000);
      assert.deepEqual(removed, { pages: 2, bytes: 20 });
      await engine.subscribe('t', 'late', 'earliest');
      assert.deepEqual(await drain(engine, 't', 'late'), ['eeeee', 'fffff', 'ggggg'], 'unacked page kept');
    });

    test('retention by size deletes the oldest acked pages first', async (t) => {
      const engine = await open(await tempDir(t), { pageBytes: 10, retentionMaxBytes: 10, retentionIntervalMs: 0 });
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      await engine.produce('t', ['aaaaa', 'bbbbb', 'ccccc', 'ddddd', 'eeeee', 'fffff'].map(text));
      const consumed = await engine.consume('t', 'g', 6);
      engine.ack('t', 'g', consumed.at(-1)!.id);
      const removed = await engine.runRetention();
      assert.deepEqual(removed, { pages: 2, bytes: 20 });
      await engine.subscribe('t', 'fresh', 'earliest');
      assert.deepEqual(await drain(engine, 't', 'fresh'), ['eeeee', 'fffff']);
    });

    test('ids stay monotonic after retention removed every stored message', async (t) => {
      const dir = await tempDir(t);
      let engine = await open(dir, { pageBytes: 1, retentionMaxAgeMs: 0, retentionIntervalMs: 0 });
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      await engine.produce('t', [text('a'), text('b')]);
      const consumed = await engine.consume('t', 'g', 2);
      engine.ack('t', 'g', consumed[1]!.id);
      await engine.runRetention(Date.now() + 10);
      await engine.close();
      engine = await open(dir, { retentionIntervalMs: 0 });
      closeWhenDone(t, () => engine.close());
      assert.deepEqual(await engine.produce('t', [text('c')]), [2]);
    });

    test('destroyTopic removes messages and groups; invalid names are refused', async (t) => {
      const engine = await open(await tempDir(t));
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.produce('t', [text('a')]);
      await engine.subscribe('t', 'g');
      await engine.destroyTopic('t');
      assert.equal(await engine.hasTopic('t'), false);
      await assert.rejects(engine.consume('t', 'g', 1), /does not exist/);
      await assert.rejects(engine.createTopic('a/b'), /invalid topic name/);
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      assert.deepEqual(await engine.consume('t', 'g', 1), []);
    });

    test('sync writes and properties round-trip', async (t) => {
      const engine = await open(await tempDir(t), { sync: true });
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.produce('t', [{ payload: Buffer.from('p'), properties: { key: 'value' } }]);
      await engine.subscribe('t', 'g');
      const [message] = await engine.consume('t', 'g', 1);
      assert.deepEqual(message?.properties, { key: 'value' });
      assert.equal(engine.options.sync, true);
    });

    test('the tail cache has one memory budget across topics and never serves deleted or foreign messages', async (t) => {
      const engine = await open(await tempDir(t), { tailCacheBytes: 10 });
      closeWhenDone(t, () => engine.close());
      for (const topic of ['a', 'b', 'c']) {
        await engine.createTopic(topic);
        await engine.produce(topic, ['11111', '22222', '33333'].map((value) => text(`${topic}${value}`)));
      }
      const internals = engine as unknown as { tailBytesTotal: number };
      assert.ok(internals.tailBytesTotal <= 10, `cached ${internals.tailBytesTotal} bytes`);
      for (const topic of ['a', 'b', 'c']) {
        await engine.subscribe(topic, 'g');
        assert.deepEqual(await drain(engine, topic, 'g'), ['11111', '22222', '33333'].map((value) => `${topic}${value}`));
      }
    });

    /** Counts the engine's writes to its message store and its message iterators (private members, reached for this test). */
    function countStoreCalls(engine: RocksMQ): { batches: number; iterators: number } {
      type Method = (...args: unknown[]) => unknown;
      const internals = engine as unknown as { messages: { batch: Method; put: Method; iterator: Method }; reusedBatch?: ReusableBatch };
      const store = internals.messages;
      const counts = { batches: 0, iterators: 0 };
      // RocksDB: every produce writes through one native batch the engine reuses.
      const reused = internals.reusedBatch;
      if (reused) internals.reusedBatch = { ...reused, write: (sync) => ((counts.batches += 1), reused.write(sync)) };
      const [batch, put, iterator] = [store.batch.bind(store), store.put.bind(store), store.iterator.bind(store)];
      store.batch = (...args) => ((counts.batches += 1), batch(...args));
      store.put = (...args) => ((counts.batches += 1), put(...args));
      store.iterator = (...args) => ((counts.iterators += 1), iterator(...args));
      return counts;
    }

    test('concurrent produce calls are group-committed: one write batch for those that waited, each call contiguous', async (t) => {
      const engine = await open(await tempDir(t));
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      const counts = countStoreCalls(engine);
      const calls = await Promise.all(Array.from({ length: 64 }, (_, i) => engine.produce('t', [text(`${i}a`), text(`${i}b`)])));
      // The first call writes alone; the 63 that arrived meanwhile share the next batch.
      assert.equal(counts.batches, 2);
      calls.forEach((ids, i) => assert.deepEqual(ids, [2 * i, 2 * i + 1], `call ${i}`));
      await engine.subscribe('t', 'g');
      assert.deepEqual((await drain(engine, 't', 'g')).slice(0, 4), ['0a', '0b', '1a', '1b']);
    });

    test('a group commit of large calls is split into batches of about 1 MiB, each call whole in one', async (t) => {
      const engine = await open(await tempDir(t));
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      const counts = countStoreCalls(engine);
      const quarter = (mark: number) => ({ payload: Buffer.alloc(256 * 1024, mark) });
      const calls = await Promise.all(Array.from({ length: 9 }, (_, i) => engine.produce('t', [quarter(i), quarter(i)])));
      // The first call alone; the 8 that waited (512 KiB each) in batches that close once they pass 1 MiB: 2 calls each.
      assert.equal(counts.batches, 1 + 4);
      calls.forEach((ids, i) => assert.deepEqual(ids, [2 * i, 2 * i + 1], `call ${i}`));
      await engine.subscribe('t', 'g');
      const read = await engine.consume('t', 'g', 100);
      assert.deepEqual(read.map((message) => message.payload[0]), calls.flatMap((_, i) => [i, i]));
    });

    test('a group that has caught up reads nothing without opening a LevelDB iterator', async (t) => {
      const engine = await open(await tempDir(t));
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      await engine.produce('t', [text('a')]);
      const counts = countStoreCalls(engine);
      assert.deepEqual(payloads(await engine.consume('t', 'g', 10)), ['a']);
      for (let i = 0; i < 5; i++) assert.deepEqual(await engine.consume('t', 'g', 10), []);
      assert.equal(counts.iterators, 0);
    });

    test('the tail cache keeps the newest messages within its budget across many trims', async (t) => {
      const engine = await open(await tempDir(t), { tailCacheBytes: 160 });
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      // The group reads along, so it stays within the cache's reach.
      for (let i = 0; i < 3000; i++) {
        await engine.produce('t', [text(String(i).padStart(10, '0'))]);
        if (i % 8 === 7) await drain(engine, 't', 'g');
      }
      // Trimmed slots are emptied, so a trimmed message (a 1 MiB payload, say) is not kept alive until the next compaction.
      const state = (engine as unknown as { topics: Map<string, { tail: unknown[]; tailHead: number }> }).topics.get('t')!;
      assert.ok(state.tail.slice(0, state.tailHead).every((slot) => slot === undefined));
      assert.equal(state.tail.length - state.tailHead, 16);
      const counts = countStoreCalls(engine);
      // The last 16 ten-byte messages fit the 160-byte budget: reading from the 2984th is served from the cache.
      await engine.seek('t', 'g', 2984);
      assert.deepEqual(payloads(await engine.consume('t', 'g', 100)), Array.from({ length: 16 }, (_, i) => String(2984 + i).padStart(10, '0')));
      assert.equal(counts.iterators, 0);
      await engine.seek('t', 'g', 2983);
      assert.equal((await engine.consume('t', 'g', 100)).length, 17);
      assert.equal(counts.iterators, 1, 'older messages come from LevelDB');
    });

    test('the tail cache holds messages only while a group is within its reach: none for a topic without groups or one read back after its writes', async (t) => {
      const engine = await open(await tempDir(t), { tailCacheBytes: 160 });
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      const topics = (engine as unknown as { topics: Map<string, { tail: unknown[]; tailHead: number }> }).topics;
      const cachedCount = () => topics.get('t')!.tail.length - topics.get('t')!.tailHead;
      const ten = (i: number) => text(String(i).padStart(10, '0'));
      for (let i = 0; i < 20; i++) await engine.produce('t', [ten(i)]);
      assert.equal(cachedCount(), 0, 'no group: nothing to serve');
      await engine.subscribe('t', 'g', 'earliest');
      for (let i = 20; i < 40; i++) await engine.produce('t', [ten(i)]);
      assert.equal(cachedCount(), 0, 'the group is 20 messages (200 bytes) behind: more than the cache holds');
      await drain(engine, 't', 'g');
      for (let i = 40; i < 52; i++) await engine.produce('t', [ten(i)]);
      assert.equal(cachedCount(), 12, 'within reach: 12 messages behind the tail, 120 bytes');
      await engine.seek('t', 'g', 40);
      assert.deepEqual(payloads(await engine.consume('t', 'g', 100)), Array.from({ length: 12 }, (_, i) => String(40 + i).padStart(10, '0')));
      await engine.seek('t', 'g', 0);
      assert.equal((await engine.consume('t', 'g', 100)).length, 52, 'the uncached ones come from the store');
    });

    test('a message larger than a sixteenth of the tail cache is cached only for a group waiting at the tail; else it is read from the store, whole, and ends the cached tail', async (t) => {
      const engine = await open(await tempDir(t), { tailCacheBytes: 1600 });
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      const large = (fill: number) => ({ payload: Buffer.alloc(101 + fill, fill) });
      // Small, then large ones (each encoded into the engine's one scratch buffer: the store must have copied each),
      // in one call and in concurrent calls (one group commit), then small ones again.
      await engine.produce('t', [text('a'), text('b')]);
      const consumed = await drainMessages(engine, 't', 'g'); // a consumer at the tail
      const state = (engine as unknown as { topics: Map<string, { tail: Array<{ payload: Buffer } | undefined>; tailHead: number }> }).topics.get('t')!;
      const cached = () => state.tail.slice(state.tailHead).map((message) => (message!.payload.length > 100 ? `large ${message!.payload[0]}` : message!.payload.toString()));
      await engine.produce('t', [large(1), text('c'), large(2)]);
      assert.deepEqual(cached(), ['a', 'b', 'large 1', 'c', 'large 2'], 'a group waited at the tail');
      await Promise.all([engine.produce('t', [large(3)]), engine.produce('t', [large(4)]), engine.produce('t', [text('d')])]);
      await engine.produce('t', [text('e')]);
      assert.deepEqual(cached(), ['d', 'e'], 'with no group at the tail, only what follows the last large message is cached');
      consumed.push(...(await drainMessages(engine, 't', 'g')));
      assert.deepEqual(
        consumed.map((message) => (message.payload.length > 100 ? `large ${message.payload[0]} × ${message.payload.length}` : message.payload.toString())),
        ['a', 'b', 'large 1 × 102', 'c', 'large 2 × 103', 'large 3 × 104', 'large 4 × 105', 'd', 'e'],
      );
      for (const message of consumed.filter((message) => message.payload.length > 100)) assert.ok(message.payload.every((byte) => byte === message.payload[0]), 'a large message arrives whole');
    });

    test('a reopened engine carries on filling the open page where it was (its size is summed from the stored messages)', async (t) => {
      const dir = await tempDir(t);
      let engine = await open(dir, { pageBytes: 10, retentionMaxAgeMs: 0, retentionIntervalMs: 0 });
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      await engine.produce('t', [text('aaa'), text('bbb')]);
      await engine.close();
      engine = await open(dir, { pageBytes: 10, retentionMaxAgeMs: 0, retentionIntervalMs: 0 });
      closeWhenDone(t, () => engine.close());
      await engine.produce('t', [text('cccc'), text('d')]); // 3 + 3 + 4 = 10 bytes: the page closes at 'cccc'
      const consumed = await engine.consume('t', 'g', 10);
      engine.ack('t', 'g', consumed.at(-1)!.id);
      assert.deepEqual(await engine.runRetention(Date.now() + 10), { pages: 1, bytes: 10 });
      await engine.subscribe('t', 'late', 'earliest');
      assert.deepEqual(await drain(engine, 't', 'late'), ['d'], 'the open page is kept');
    });

    test('a group reads a backlog through one store iterator, and sees what was written after it opened', async (t) => {
      const engine = await open(await tempDir(t), { tailCacheBytes: 0 });
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      await engine.produce('t', Array.from({ length: 10 }, (_, i) => text(`a${i}`)));
      const counts = countStoreCalls(engine);
      const read: string[] = [];
      for (let i = 0; i < 3; i++) read.push(...payloads(await engine.consume('t', 'g', 3)));
      assert.equal(counts.iterators, 1, 'three reads of one backlog, one iterator');
      // Written after the iterator opened: outside its snapshot, so the cursor reopens to reach them.
      await engine.produce('t', [text('b0'), text('b1')]);
      read.push(...(await drain(engine, 't', 'g')));
      assert.deepEqual(read, [...Array.from({ length: 10 }, (_, i) => `a${i}`), 'b0', 'b1']);
      assert.equal(counts.iterators, 2);
    });

    test('a group\'s store iterator follows seeks and resubscribes, and two reads at once each get the right messages', async (t) => {
      const engine = await open(await tempDir(t), { tailCacheBytes: 0 });
      closeWhenDone(t, () => engine.close());
      await engine.createTopic('t');
      await engine.subscribe('t', 'g');
      await engine.produce('t', Array.from({ length: 8 }, (_, i) => text(`${i}`)));
      assert.deepEqual(payloads(await engine.consume('t', 'g', 2)), ['0', '1']);
      await engine.seek('t', 'g', 5);
      assert.deepEqual(payloads(await engine.consume('t', 'g', 2)), ['5', '6']);
      await engine.subscribe('t', 'g');
      assert.deepEqual(payloads(await engine.consume('t', 'g', 2)), ['5', '6'], 'unacked messages come again after a resubscribe');
      const [first, second] = await Promise.all([engine.consume('t', 'g', 1), engine.consume('t', 'g', 1)]);
      assert.deepEqual([...payloads(first), ...payloads(second)], ['7', '7'], 'both reads start at the same position');
      await engine.destroyConsumerGroup('t', 'g');
      await engine.destroyTopic('t');
    });

    test('a directory holding a store of the earlier one-store layout is refused with the reason', async (t) => {
      const directory = await tempDir(t);
      await writeFile(join(directory, 'CURRENT'), 'MANIFEST-000001\n');
      await assert.rejects(open(directory), (error: Error) => error.message.includes(directory) && /earlier layout/.test(error.message));
    });
  });
}

/** Megabytes LevelDB's compactions have read, from its `leveldb.stats` table (Level Files Size Time Read Write). */
function compactedMegabytesRead(stats: string): number {
  return stats
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((columns) => columns.length === 6 && columns.every(Number.isFinite))
    .reduce((sum, columns) => sum + columns[4]!, 0);
}

test('on LevelDB, metadata written between messages does not make it compact the messages again', async (t) => {
  // Small memtables, so 24 MiB of messages make many flushes; small pages and a consumer acking as it goes, so page
  // records and group positions are written all along, as in a run. In one shared store their keys made every flushed
  // table overlap the ones before it, and LevelDB re-compacted the messages from level 0.
  const engine = await RocksMQ.open(await tempDir(t), { store: 'leveldb', writeBufferSize: 1024 * 1024, pageBytes: 512 * 1024, ackFlushIntervalMs: 1 });
  closeWhenDone(t, () => engine.close());
  await engine.createTopic('t');
  await engine.subscribe('t', 'g');
  const payload = Buffer.alloc(64 * 1024, 7);
  for (let i = 0; i < 384; i++) {
    await engine.produce('t', [{ payload }, { payload }]);
    for (const message of await engine.consume('t', 'g', 10)) engine.ack('t', 'g', message.id);
    if (i % 16 === 0) await engine.flushAcks();
  }
  const store = (engine as unknown as { messages: KeyValueStore<Buffer, Buffer> }).messages;
  const stats = compactionStats('leveldb', store);
  assert.equal(compactedMegabytesRead(stats), 0, stats);
});

test('compression: false on RocksDB is refused with the reason (its levels from 2 on are ZSTD under level compaction)', async (t) => {
  await assert.rejects(RocksMQ.open(await tempDir(t), { store: 'rocksdb', compression: false }), /compression: false needs store: leveldb/);
});

test('on RocksDB with sync: true, every produce syncs the write-ahead log, a lone message and a large one too (RocksDB counts its WAL syncs)', async (t) => {
  const engine = await RocksMQ.open(await tempDir(t), { store: 'rocksdb', sync: true, tailCacheBytes: 1600 });
  closeWhenDone(t, () => engine.close());
  await engine.createTopic('t');
  for (let i = 0; i < 5; i++) await engine.produce('t', [text(`lone ${i}`)]);
  await Promise.all([engine.produce('t', [text('a'), text('b')]), engine.produce('t', [text('c')])]);
  // Larger than a sixteenth of the tail cache: written through the store's own write batch, from the reused buffer.
  await engine.produce('t', [{ payload: Buffer.alloc(200, 1) }]);
  await engine.produce('t', [{ payload: Buffer.alloc(200, 2) }, text('d')]);
  const store = (engine as unknown as { messages: KeyValueStore<Buffer, Buffer> }).messages;
  const wal = /Cumulative WAL: (\d+) writes, (\d+) syncs/.exec(compactionStats('rocksdb', store));
  assert.ok(wal, 'the stats table has its WAL line');
  assert.ok(Number(wal[1]) >= 8, `writes: ${wal[0]}`);
  assert.equal(wal[2], wal[1], `every write synced: ${wal[0]}`);
});

test("settleBackgroundWork waits while RocksDB reports flushes or compactions, within its bound; LevelDB's engine cannot tell", async (t) => {
  const engine = await RocksMQ.open(await tempDir(t), { store: 'rocksdb' });
  closeWhenDone(t, () => engine.close());
  const messages = (engine as unknown as { messages: { getProperty(name: string): string } }).messages;
  const real = messages.getProperty.bind(messages);
  let busyPolls = 3;
  messages.getProperty = (name) => (name === 'rocksdb.compaction-pending' && busyPolls-- > 0 ? '1' : real(name));
  const settled = await engine.settleBackgroundWork(10_000, new AbortController().signal);
  assert.ok(settled?.settled, 'ends once nothing is pending');
  assert.ok(settled.ms >= 250, `waited through three busy polls (${settled.ms} ms)`);
  messages.getProperty = (name) => (name === 'rocksdb.num-running-compactions' ? '2' : real(name));
  const bounded = await engine.settleBackgroundWork(300, new AbortController().signal);
  assert.equal(bounded?.settled, false, 'still busy at the bound');
  assert.ok(bounded.ms >= 300 && bounded.ms < 5_000);
  messages.getProperty = real;
  const leveldb = await RocksMQ.open(await tempDir(t), { store: 'leveldb' });
  closeWhenDone(t, () => leveldb.close());
  assert.equal(await leveldb.settleBackgroundWork(1_000, new AbortController().signal), undefined);
});
