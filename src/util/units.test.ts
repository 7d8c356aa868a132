import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration, parseDuration, parseSize, trimNumber } from './units.js';

test('sizes: IEC units are powers of 1024, SI units powers of 1000', () => {
  assert.equal(parseSize('64KiB'), 65536);
  assert.equal(parseSize('5MiB'), 5 * 1024 * 1024);
  assert.equal(parseSize('1KB'), 1000);
  assert.equal(parseSize('1.5 kib'), 1536);
  assert.equal(parseSize(4096), 4096);
  assert.throws(() => parseSize('12 parsecs'), /not a size/);
  assert.throws(() => parseSize('1.5B'), /whole number/);
});

test('durations parse to milliseconds', () => {
  assert.equal(parseDuration('200ms'), 200);
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('250'), 250);
  assert.throws(() => parseDuration('soon'), /not a duration/);
});

test('formatting', () => {
  assert.equal(formatBytes(5 * 1024 * 1024), '5MiB');
  assert.equal(formatBytes(1536), '1.5KiB');
  assert.equal(formatDuration(0.42), '420µs');
  assert.equal(formatDuration(1530), '1.53s');
  assert.equal(formatDuration(125_000), '2m05s');
  assert.equal(trimNumber(0.0123456, 3), '0.0123');
  assert.equal(trimNumber(12345.6, 3), '12346');
});
