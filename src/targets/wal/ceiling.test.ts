import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { tempDir } from '../../testing/temp-dir.js';
import { probeLocalDisk } from './ceiling.js';

test('the local disk ceiling is the highest of sequential, parallel and grouped fdatasynced writes, and leaves no files', async (t) => {
  const dir = await tempDir(t, 'mqbench-ceiling-');
  const reading = await probeLocalDisk(dir, 64 * 1024, 0.3, 4);
  // The figure is the bytes it wrote and synced over the time it took, in whole writes, by one writer or four.
  assert.ok(reading.bytes! >= reading.objectBytes! && reading.bytes! % reading.objectBytes! === 0, `whole writes: ${reading.bytes}`);
  assert.ok(reading.objectBytes === 64 * 1024 || (reading.objectBytes === 4 * 64 * 1024 && reading.parallelism === 1), `a chunk or a group of 4: ${reading.objectBytes}`);
  assert.ok(reading.seconds! >= 0.3, `it wrote for the time asked: ${reading.seconds}`);
  assert.ok(Math.abs(reading.megabytesPerSec - reading.bytes! / 1e6 / reading.seconds!) < 1e-9);
  assert.ok(reading.parallelism === 1 || reading.parallelism === 4);
  assert.match(reading.method, /sequential 65536-byte writes .*, the same to 4 files at once \(\d+ MB\/s\) and 262144-byte writes \(4 chunks\) each followed by fdatasync to one file \(\d+ MB\/s\)/);
  assert.deepEqual(await readdir(dir), []);
});
