import assert from 'node:assert/strict';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { grownBetween, totalOf } from '../metrics/storage.js';
import { tempDir } from '../testing/temp-dir.js';
import { snapshotStorage } from './storage-spec.js';

const MiB = 1 << 20;

test('what a trial wrote is the growth of each file: new files whole, appends, and nothing for files freed meanwhile', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'earlier-topic.log'), Buffer.alloc(8 * MiB, 1));
  await writeFile(join(dir, 'active.log'), Buffer.alloc(1 * MiB, 2));
  const spec = { kind: 'directories' as const, paths: [dir] };
  const before = await snapshotStorage(spec);
  await rm(join(dir, 'earlier-topic.log')); // the broker frees an earlier trial's topic during this one
  await appendFile(join(dir, 'active.log'), Buffer.alloc(2 * MiB, 3));
  await writeFile(join(dir, 'new-topic.log'), Buffer.alloc(3 * MiB, 4));
  const after = await snapshotStorage(spec);
  assert.ok(totalOf(after).bytes < totalOf(before).bytes, 'the total shrank');
  const grown = grownBetween(before, after);
  assert.equal(grown.apparentBytes, 5 * MiB);
  assert.ok(grown.bytes >= 5 * MiB && grown.bytes < 5.5 * MiB, `allocated growth ${grown.bytes}`);
});

test('storage of kind none is empty', async () => {
  assert.equal((await snapshotStorage({ kind: 'none', reason: 'external' })).size, 0);
});
