import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHistogram, encodeHistogram, mergeEncoded, percentileSpectrum, recordMs, summarizeLatency } from './histogram.js';

test('summaries read percentiles in milliseconds within 3 significant digits', () => {
  const histogram = createHistogram();
  for (let i = 1; i <= 1000; i++) recordMs(histogram, i);
  const summary = summarizeLatency(histogram);
  assert.equal(summary.count, 1000);
  assert.ok(Math.abs(summary.p50 - 500) <= 1, `p50 ${summary.p50}`);
  assert.ok(Math.abs(summary.p99 - 990) <= 1, `p99 ${summary.p99}`);
  assert.ok(Math.abs(summary.max - 1000) <= 1, `max ${summary.max}`);
});

test('merging encoded histograms equals recording everything into one', () => {
  const a = createHistogram();
  const b = createHistogram();
  for (let i = 0; i < 900; i++) recordMs(a, 1);
  for (let i = 0; i < 100; i++) recordMs(b, 100);
  const merged = summarizeLatency(mergeEncoded([encodeHistogram(a), encodeHistogram(b)]));
  assert.equal(merged.count, 1000);
  assert.equal(merged.p50, 1);
  assert.ok(Math.abs(merged.p999 - 100) < 0.1);
  // 90 % of all samples are 1 ms and 10 % are 100 ms: the merged p90 is 1 ms and the p99 is 100 ms, whereas
  // averaging the two inputs' p99s (1 and 100) would give a latency no request had.
  assert.equal(merged.p90, 1);
  assert.ok(Math.abs(merged.p99 - 100) < 0.1);
});

test('an empty histogram summarises to zeros and an empty spectrum', () => {
  const empty = createHistogram();
  assert.deepEqual(summarizeLatency(empty), { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 });
  assert.deepEqual(percentileSpectrum(empty), []);
});

test('the spectrum stops at the resolution the sample count supports', () => {
  const histogram = createHistogram();
  for (let i = 0; i < 100; i++) recordMs(histogram, i + 1);
  const points = percentileSpectrum(histogram).map((point) => point.percentile);
  assert.ok(points.includes(99));
  assert.ok(!points.includes(99.99), 'no 99.99th percentile from 100 samples');
  assert.equal(points.at(-1), 100);
});
