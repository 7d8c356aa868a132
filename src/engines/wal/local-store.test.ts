import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupedSync } from './local-store.js';

test('directory syncs are group-committed, and every caller is answered by a sync that began after it asked', async () => {
  const started: number[] = [];
  let finishCurrent: (() => void) | undefined;
  const syncer = new GroupedSync(
    () =>
      new Promise<void>((resolve) => {
        started.push(Date.now());
        finishCurrent = resolve;
      }),
  );
  const answeredBy: number[] = [];
  const ask = (caller: number) => syncer.sync().then(() => (answeredBy[caller] = started.length));

  const first = ask(0); // starts sync 1
  const during = [ask(1), ask(2), ask(3)]; // asked while sync 1 runs: they must wait for sync 2
  assert.equal(started.length, 1);
  finishCurrent!();
  await first;
  assert.equal(answeredBy[0], 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(started.length, 2, 'one more sync serves everyone who asked during the first');
  assert.equal(answeredBy[1], undefined, 'not answered by the sync that was already running when they asked');
  const late = ask(4); // asked while sync 2 runs
  finishCurrent!();
  await Promise.all(during);
  assert.deepEqual(answeredBy.slice(1, 4), [2, 2, 2]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(started.length, 3);
  finishCurrent!();
  await late;
  assert.equal(answeredBy[4], 3);
});

test('a failed sync fails its callers, and the next caller gets a fresh sync', async () => {
  let attempt = 0;
  const syncer = new GroupedSync(async () => {
    attempt += 1;
    if (attempt === 1) throw new Error('EIO');
  });
  await assert.rejects(syncer.sync(), /EIO/);
  await syncer.sync();
  assert.equal(attempt, 2);
});
