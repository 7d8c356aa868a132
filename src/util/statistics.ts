/**
 * Statistics for comparing runs on noisy machines: bootstrap confidence intervals of medians and of the ratio of
 * medians, the coefficient of variation, and the Mann-Whitney U test (exact without ties up to 50 × 50 values, else
 * the normal approximation with tie correction). Resampling uses a seeded generator, so the same inputs always give the same intervals.
 */
import { z } from 'zod';
import { seededRandom } from './random.js';
import { mean, median, quantile, standardDeviation } from './stats.js';

/** A median and its 95% bootstrap confidence interval. */
export const estimateSchema = z.object({
  median: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  /** Coefficient of variation (standard deviation / mean) of the values; 0 for fewer than two. */
  cv: z.number(),
  n: z.number(),
});

/** A median with its bootstrap 95% interval. */
export type Estimate = z.infer<typeof estimateSchema>;

const RESAMPLES = 2000;

/** Median of `values` with a percentile-bootstrap 95% interval (degenerate for n < 2). */
export function estimate(values: readonly number[], seed = 1): Estimate {
  const n = values.length;
  const center = median(values);
  const average = mean(values);
  const cv = n < 2 || average === 0 ? 0 : standardDeviation(values) / Math.abs(average);
  if (n < 2) return { median: center, ci95: [center, center], cv, n };
  const random = seededRandom(seed);
  const medians = Array.from({ length: RESAMPLES }, () => median(Array.from({ length: n }, () => values[Math.floor(random() * n)]!)));
  return { median: center, ci95: [quantile(medians, 0.025), quantile(medians, 0.975)], cv, n };
}

/** Ratio candidate/baseline of medians with a 95% bootstrap interval (both samples resampled independently). */
export function ratioEstimate(baseline: readonly number[], candidate: readonly number[], seed = 1): { ratio: number; ci95: [number, number] } {
  const ratio = safeRatio(median(candidate), median(baseline));
  if (baseline.length < 2 || candidate.length < 2) return { ratio, ci95: [ratio, ratio] };
  const random = seededRandom(seed);
  const pick = (values: readonly number[]) => median(Array.from({ length: values.length }, () => values[Math.floor(random() * values.length)]!));
  const ratios = Array.from({ length: RESAMPLES }, () => safeRatio(pick(candidate), pick(baseline))).filter(Number.isFinite);
  return { ratio, ci95: [quantile(ratios, 0.025), quantile(ratios, 0.975)] };
}

function safeRatio(numerator: number, denominator: number): number {
  if (denominator === 0) return numerator === 0 ? 1 : Number.POSITIVE_INFINITY;
  return numerator / denominator;
}

/**
 * The exact distribution of U is used without ties up to this n1·n2 (50 against 50 trials: ~6 million steps);
 * beyond it, or with ties, the normal approximation with tie and continuity corrections.
 */
const EXACT_UP_TO = 2500;

/** Two-sided p-value of the Mann-Whitney U test of `a` vs `b`; undefined when either sample is empty. */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): { u: number; p: number } | undefined {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return undefined;
  const all = [...a.map((value) => ({ value, group: 0 })), ...b.map((value) => ({ value, group: 1 }))].sort((x, y) => x.value - y.value);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let start = 0; start < all.length; ) {
    let end = start;
    while (end + 1 < all.length && all[end + 1]!.value === all[start]!.value) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index++) ranks[index] = rank;
    const ties = end - start + 1;
    tieTerm += ties ** 3 - ties;
    start = end + 1;
  }
  const rankSumA = all.reduce((sum, entry, index) => sum + (entry.group === 0 ? ranks[index]! : 0), 0);
  const u1 = rankSumA - (n1 * (n1 + 1)) / 2;
  const u = Math.min(u1, n1 * n2 - u1);
  if (tieTerm === 0 && n1 * n2 <= EXACT_UP_TO) return { u, p: Math.min(1, 2 * exactLowerTail(n1, n2, u)) };
  const meanU = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n1 + n2 + 1 - tieTerm / ((n1 + n2) * (n1 + n2 - 1)));
  if (variance <= 0) return { u, p: 1 };
  const z = (Math.abs(u1 - meanU) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))) };
}

/**
 * P(U ≤ u) under the null hypothesis (no ties): the exact distribution of U, built up one observation at a time as
 * probabilities (p(m, n, k) = m/(m+n)·p(m−1, n, k−n) + n/(m+n)·p(m, n−1, k)), which never overflow as counts do.
 */
function exactLowerTail(n1: number, n2: number, u: number): number {
  // row[n][k] = p(m, n, k) for the current m; starts at m = 0, where U is 0 whatever n is.
  let row: Float64Array[] = Array.from({ length: n2 + 1 }, () => Float64Array.of(1));
  for (let m = 1; m <= n1; m++) {
    const next: Float64Array[] = [Float64Array.of(1)];
    for (let n = 1; n <= n2; n++) {
      const values = new Float64Array(m * n + 1);
      const fromA = row[n]!; // the largest observation is from a: it beats all n of b
      const fromB = next[n - 1]!; // the largest observation is from b
      for (let k = 0; k < fromA.length; k++) values[k + n]! += (m / (m + n)) * fromA[k]!;
      for (let k = 0; k < fromB.length; k++) values[k]! += (n / (m + n)) * fromB[k]!;
      next.push(values);
    }
    row = next;
  }
  const distribution = row[n2]!;
  let below = 0;
  for (let k = 0; k <= Math.floor(u) && k < distribution.length; k++) below += distribution[k]!;
  return below;
}

/** Standard normal cumulative distribution (Abramowitz-Stegun 7.1.26 via erf). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
