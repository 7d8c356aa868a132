import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { tempDir } from '../../testing/temp-dir.js';
import { probeLocalDisk } from './ceiling.js';

test('the local disk ceiling is the higher of sequential and parallel fdatasynced writes, and leaves no files', async (t) => {
  const dir = await tempDir(t, 'mqbench-ceiling-');
  const reading = await probeLocalDisk(dir, 64 * 1024, 0.3, 4);
  // The figure is the bytes it wrote and synced over the time it took, in whole chunks, by one writer or four.
  assert.ok(reading.bytes! >= 64 * 1024 && reading.bytes! % (64 * 1024) === 0, `whole 64 KiB chunks: ${reading.bytes}`);
  assert.ok(reading.seconds! >= 0.3, `it wrote for the time asked: ${reading.seconds}`);
  assert.ok(Math.abs(reading.megabytesPerSec - reading.bytes! / 1e6 / reading.seconds!) < 1e-9);
  assert.ok(reading.parallelism === 1 || reading.parallelism === 4);
  assert.match(reading.method, /sequential 65536-byte writes .* and the same to 4 files at once/);
  assert.deepEqual(await readdir(dir), []);
});
