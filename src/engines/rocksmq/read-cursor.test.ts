import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AbstractIterator } from 'abstract-level';
import { ReadCursor, type StoredEntry } from './read-cursor.js';

/** A stand-in iterator over ids [from, end): one-byte keys, values of `valueBytes`; it records every nextv. */
function fakeStore(end: number, valueBytes = 10) {
  const calls: { from: number; size: number }[] = [];
  let failNext = false;
  let closed = 0;
  const steps: { from: number; size: number }[] = [];
  const open = (from: number) => {
    let at = from;
    const take = (size: number) => {
      if (failNext) throw new Error('disk read failed');
      const run: StoredEntry[] = [];
      for (; at < end && run.length < size; at++) run.push([Buffer.from([at]), Buffer.alloc(valueBytes, at)]);
      return run;
    };
    return {
      async nextv(size: number): Promise<StoredEntry[]> {
        calls.push({ from: at, size });
        await new Promise((resolve) => setImmediate(resolve));
        return take(size);
      },
      /** The synchronous step a store like RocksDB has (found by `stepOf` below). */
      step(size: number): StoredEntry[] {
        steps.push({ from: at, size });
        return take(size);
      },
      async close() {
        closed += 1;
      },
    } as unknown as AbstractIterator<unknown, Buffer, Buffer>;
  };
  return { open, calls, steps, fail: () => (failNext = true), closed: () => closed };
}

/** The fake iterator's synchronous step, as `synchronousStep` finds RocksDB's. */
const stepOf = (iterator: AbstractIterator<unknown, Buffer, Buffer>) => {
  const fake = iterator as unknown as { step(size: number): StoredEntry[] };
  return (size: number) => fake.step(size);
};

const idOf = (key: Buffer) => key[0]!;
const ids = (entries: StoredEntry[]) => entries.map(([key]) => idOf(key));

test('a read starts the next run at once, and the next read takes it without waiting for another', async () => {
  const store = fakeStore(100);
  const cursor = new ReadCursor(store.open);
  assert.deepEqual(ids(await cursor.read(0, 100, 10, Infinity, idOf)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // The read's run, and the one read ahead from where it stopped.
  assert.deepEqual(store.calls, [{ from: 0, size: 10 }, { from: 10, size: 10 }]);
  assert.deepEqual(ids(await cursor.read(10, 100, 10, Infinity, idOf)), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  assert.equal(store.calls.length, 3, 'the second read used the run read ahead, and started the next');
  await cursor.close();
});

test('a run that passes a read\'s limit or byte budget is carried to the next read, in order, with nothing lost', async () => {
  const store = fakeStore(30, 100);
  const cursor = new ReadCursor(store.open);
  const read: number[] = [];
  read.push(...ids(await cursor.read(0, 30, 10, Infinity, idOf)));
  // Four entries of 100 bytes pass 350 bytes: the rest of the run read ahead is carried.
  const small = await cursor.read(10, 30, 10, 350, idOf);
  assert.deepEqual(ids(small), [10, 11, 12, 13]);
  read.push(...ids(small));
  for (let from = 14; from < 30; ) {
    const next = ids(await cursor.read(from, 30, 7, Infinity, idOf));
    read.push(...next);
    from = next.at(-1)! + 1;
  }
  assert.deepEqual(read, Array.from({ length: 30 }, (_, id) => id));
  assert.deepEqual(await cursor.read(30, 30, 10, Infinity, idOf), []);
  await cursor.close();
});

test('moving the position drops what was read ahead; a failed run ahead fails the read that takes it', async () => {
  const store = fakeStore(50);
  const cursor = new ReadCursor(store.open);
  await cursor.read(0, 50, 5, Infinity, idOf);
  assert.deepEqual(ids(await cursor.read(20, 50, 3, Infinity, idOf)), [20, 21, 22]);
  assert.ok(store.closed() >= 1, 'the iterator standing elsewhere was closed');
  store.fail();
  await assert.rejects(cursor.read(23, 50, 3, Infinity, idOf), /disk read failed/);
  await cursor.close();
});

test('a second read while the first runs gets an iterator of its own, closed after it, with nothing read ahead', async () => {
  const store = fakeStore(100);
  const cursor = new ReadCursor(store.open);
  const [first, second] = await Promise.all([cursor.read(0, 100, 10, Infinity, idOf), cursor.read(50, 100, 10, Infinity, idOf)]);
  assert.deepEqual(ids(first), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(ids(second), [50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
  assert.deepEqual(store.calls.filter((call) => call.from >= 50), [{ from: 50, size: 10 }], 'no run read ahead for the one-read cursor');
  assert.equal(store.closed(), 1);
  await cursor.close();
});

test('where the store steps on the calling thread, each run is read when needed: none ahead, none through nextv, nothing lost', async () => {
  const store = fakeStore(40, 100);
  const cursor = new ReadCursor(store.open, true, stepOf);
  const read: number[] = [];
  read.push(...ids(await cursor.read(0, 40, 10, Infinity, idOf)));
  assert.deepEqual(store.steps, [{ from: 0, size: 10 }], 'one step for the read, none ahead');
  // A run that passes the byte budget is carried, as with nextv.
  read.push(...ids(await cursor.read(10, 40, 10, 350, idOf)));
  for (let from = read.length; from < 40; ) {
    const next = ids(await cursor.read(from, 40, 7, Infinity, idOf));
    read.push(...next);
    from = next.at(-1)! + 1;
  }
  assert.deepEqual(read, Array.from({ length: 40 }, (_, id) => id));
  assert.deepEqual(store.calls, [], 'no step went through the thread pool (nextv)');
  // An iterator that runs dry before the newest id is reopened once, at the cursor's position.
  assert.deepEqual(await cursor.read(40, 41, 10, Infinity, idOf), []);
  assert.equal(store.closed(), 1);
  store.fail();
  await assert.rejects(cursor.read(0, 40, 3, Infinity, idOf), /disk read failed/);
  await cursor.close();
});
