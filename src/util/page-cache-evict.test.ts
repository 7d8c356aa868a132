import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../testing/temp-dir.js';
import { cachedBytes, describeEviction, evictFromPageCache } from './page-cache-evict.js';

/** Bytes of `path` in the page cache, as util-linux's fincore counts them. */
function residentBytes(path: string): number {
  return Number(execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], { encoding: 'utf8' }).trim());
}

test('the Cached line of /proc/meminfo, in bytes', () => {
  assert.equal(cachedBytes('MemFree:  100 kB\nCached:          2048 kB\nSwapCached:  0 kB\n'), 2 * 1024 * 1024);
  assert.equal(cachedBytes('MemFree:  100 kB\n'), undefined);
});

test('the files of a directory leave the page cache, written ones too; small files are left alone', async (t) => {
  const dir = await tempDir(t, 'mqbench-evict-');
  const large = join(dir, 'nested', 'segment.log');
  await writeFile(join(dir, 'small.idx'), Buffer.alloc(4096, 1));
  await mkdir(join(dir, 'nested'));
  // Written and not yet synced: dirty pages, which only a sync lets go.
  await writeFile(large, Buffer.alloc(4 * 1024 * 1024, 7));
  await readFile(large);
  assert.ok(residentBytes(large) > 0, 'cached after the write');
  const eviction = await evictFromPageCache([dir, join(dir, 'missing')], { timeoutMs: 30_000 });
  assert.ok(!('skipped' in eviction), JSON.stringify(eviction));
  assert.deepEqual({ files: eviction.files, bytes: eviction.bytes, timedOut: eviction.timedOut }, { files: 1, bytes: 4 * 1024 * 1024, timedOut: undefined });
  assert.ok(eviction.cachedBytesBefore > 0 && eviction.ms >= 0);
  assert.equal(residentBytes(large), 0, 'nothing of the file left in the cache');
});

test('many files, over every lane, names with spaces and quotes among them, all leave the page cache', async (t) => {
  const dir = await tempDir(t, 'mqbench-evict-');
  const paths = Array.from({ length: 9 }, (_, index) => join(dir, index % 3 === 0 ? `segment ${index} "x".log` : `segment-${index}.log`));
  for (const path of paths) {
    await writeFile(path, Buffer.alloc(1024 * 1024, 3));
    await readFile(path);
  }
  const eviction = await evictFromPageCache([dir], { timeoutMs: 30_000 });
  assert.ok(!('skipped' in eviction) && eviction.files === 9 && eviction.timedOut === undefined, JSON.stringify(eviction));
  assert.deepEqual(paths.map(residentBytes), paths.map(() => 0));
});

test('an eviction whose bound has run out stops and says so', async (t) => {
  const dir = await tempDir(t, 'mqbench-evict-');
  await writeFile(join(dir, 'a.log'), Buffer.alloc(2 * 1024 * 1024, 1));
  const eviction = await evictFromPageCache([dir], { timeoutMs: 0 });
  assert.ok(!('skipped' in eviction) && eviction.timedOut === true, JSON.stringify(eviction));
});

test('an eviction is described in one line: what was asked to leave, the page cache before and after, the time, a spent bound', () => {
  assert.equal(
    describeEviction({ files: 269, bytes: 3_324_558_953, cachedBytesBefore: 6_124_441_600, cachedBytesAfter: 4_214_710_272, ms: 30_092, timedOut: true }),
    '3,170.5 MiB in 269 files, page cache 5,840.7 MiB → 4,019.5 MiB, 30092 ms (bound reached)',
  );
  assert.equal(describeEviction({ skipped: 'no /proc/meminfo' }), 'no /proc/meminfo');
});
