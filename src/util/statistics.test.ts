import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimate, mannWhitneyU, normalCdf, ratioEstimate } from './statistics.js';

test('estimate: median, a bootstrap interval that contains it, the coefficient of variation', () => {
  const values = [10, 11, 9, 10.5, 9.5, 10.2, 9.8];
  const result = estimate(values);
  assert.equal(result.median, 10);
  assert.ok(result.ci95[0] <= 10 && result.ci95[1] >= 10 && result.ci95[1] - result.ci95[0] < 1.5);
  assert.ok(result.cv > 0.03 && result.cv < 0.07, `cv ${result.cv}`);
  assert.deepEqual(estimate(values), result, 'seeded: the same inputs give the same interval');
  assert.deepEqual(estimate([5]).ci95, [5, 5]);
});

test('ratio of medians with an interval; a clear 20% shift excludes 1', () => {
  const baseline = [100, 102, 98, 101, 99, 100, 103];
  const candidate = baseline.map((value) => value * 1.2);
  const { ratio, ci95 } = ratioEstimate(baseline, candidate);
  assert.ok(Math.abs(ratio - 1.2) < 1e-9);
  assert.ok(ci95[0] > 1.1 && ci95[1] < 1.3, `ci ${ci95}`);
});

test('Mann-Whitney U: exact p-values for small samples match the tables', () => {
  // Fully separated samples of 5 and 5: U = 0, exact two-sided p = 2/252 = 0.0079.
  const separated = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])!;
  assert.equal(separated.u, 0);
  assert.ok(Math.abs(separated.p - 2 / 252) < 1e-9, `p ${separated.p}`);
  // Identical distributions interleaved: no evidence of a difference.
  assert.ok(mannWhitneyU([1, 3, 5, 7, 9], [2, 4, 6, 8, 10])!.p > 0.5);
  assert.equal(mannWhitneyU([], [1]), undefined);
});

test('Mann-Whitney U: the normal approximation with ties for larger samples', () => {
  const a = Array.from({ length: 30 }, (_, i) => 100 + (i % 5));
  const b = Array.from({ length: 30 }, (_, i) => 104 + (i % 5));
  assert.ok(mannWhitneyU(a, b)!.p < 0.001);
  assert.ok(mannWhitneyU(a, [...a])!.p > 0.9);
  assert.ok(Math.abs(normalCdf(1.96) - 0.975) < 1e-3);
  assert.ok(Math.abs(normalCdf(-1) - 0.1587) < 1e-3);
});

test('without ties the p-value is exact up to 50 against 50 values: 14 vs 14 at U = 55 is 0.0497, below alpha 0.05 (the normal approximation said 0.0509)', () => {
  const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 24, 26, 27, 28];
  const b = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 25];
  const result = mannWhitneyU(a, b)!;
  assert.equal(result.u, 55);
  assert.ok(Math.abs(result.p - 0.04974) < 1e-4, `p ${result.p}`);
  // Symmetric, and the whole distribution sums to one (identical ranks interleaved: U at its mean, p = 1).
  assert.equal(mannWhitneyU(b, a)!.p, result.p);
  assert.ok(Math.abs(mannWhitneyU([1, 4, 5, 8], [2, 3, 6, 7])!.p - 1) < 1e-12);
});
