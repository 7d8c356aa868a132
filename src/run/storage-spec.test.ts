import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../testing/temp-dir.js';
import { measureStorage, settledStorage } from './storage-spec.js';

test('the baseline waits until a broker has finished freeing earlier data', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'deleted-topic'), Buffer.alloc(4 << 20, 1));
  const spec = { kind: 'directories' as const, paths: [dir] };
  assert.ok((await measureStorage(spec)).bytes >= 4 << 20);
  const freed = setTimeout(() => void rm(join(dir, 'deleted-topic')), 400);
  t.after(() => clearTimeout(freed));
  const reading = await settledStorage(spec, { quietMs: 600, everyMs: 100 });
  assert.equal(reading.settled, true);
  assert.ok(reading.bytes < 1 << 20, `the reading after the deletion: ${reading.bytes} bytes`);
});

test('storage that never holds still gives up at maxMs, saying so', async (t) => {
  const dir = await tempDir(t);
  let n = 0;
  const grow = setInterval(() => void writeFile(join(dir, `f${n++}`), Buffer.alloc(2 << 20, 1)), 50);
  t.after(() => clearInterval(grow));
  const reading = await settledStorage({ kind: 'directories', paths: [dir] }, { quietMs: 500, everyMs: 100, maxMs: 800 });
  assert.equal(reading.settled, false);
});
