import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { tempDir } from '../../testing/temp-dir.js';
import { probeLocalDisk } from './ceiling.js';

test('the local disk ceiling is the higher of sequential and parallel fdatasynced writes, and leaves no files', async (t) => {
  const dir = await tempDir(t, 'mqbench-ceiling-');
  const reading = await probeLocalDisk(dir, 64 * 1024, 0.3, 4);
  assert.ok(reading.megabytesPerSec > 0);
  assert.match(reading.method, /sequential 65536-byte writes .* \(\d+ MB\/s\) and the same to 4 files at once \(\d+ MB\/s\)/);
  const [sequential, parallel] = [...reading.method.matchAll(/\((\d+) MB\/s\)/g)].map((match) => Number(match[1]));
  assert.equal(Math.round(reading.megabytesPerSec), Math.max(sequential!, parallel!));
  assert.deepEqual(await readdir(dir), []);
});
