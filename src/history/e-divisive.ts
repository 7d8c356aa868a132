/**
 * E-Divisive means: hierarchical change-point detection by energy statistics (Matteson & James, "A Nonparametric
 * Approach for Multiple Change Point Analysis of Multivariate Data", JASA 2014), in the form MongoDB's performance CI
 * uses it (Daly et al., ICPE 2020; Apache Otava, formerly Hunter): a split of a segment at τ is scored by
 *
 *   Q(τ) = m·n/(m+n) · ( 2/(m·n) Σ|xᵢ − yⱼ| − 1/C(m,2) Σ|xᵢ − xₖ| − 1/C(n,2) Σ|yⱼ − yₖ| )
 *
 * with X the m values before τ and Y the n values from τ to the segment's end (exponent α = 1). The best split of all
 * current segments is tested by permutation: the values of each segment are shuffled within it R times, and the
 * split is kept when at most a fraction `alpha` of the shuffles score as high (p = (hits + 1)/(R + 1)). Then the
 * segments are split again, until no best split is significant.
 */
import { seededRandom } from '../util/random.js';

/** How the search runs. */
export interface EDivisiveOptions {
  /** The significance level of the permutation test (default 0.05). */
  alpha?: number;
  /** Shuffles per test (default 199, so p-values step by 0.005). */
  permutations?: number;
  /** The fewest values a segment may have on either side of a change point (default 3). */
  minSize?: number;
  /** Seed of the shuffles: the same series and seed give the same answer. */
  seed?: number;
}

/** One change point: the series changes level between `index - 1` and `index`. */
export interface ChangePoint {
  index: number;
  /** The split's energy statistic Q. */
  q: number;
  /** The permutation test's p-value. */
  pValue: number;
}

interface Split {
  start: number;
  end: number;
  index: number;
  q: number;
}

/** The change points of `series`, in index order. */
export function eDivisive(series: readonly number[], options: EDivisiveOptions = {}): ChangePoint[] {
  const alpha = options.alpha ?? 0.05;
  const permutations = options.permutations ?? 199;
  const minSize = Math.max(1, options.minSize ?? 3);
  const random = seededRandom(options.seed ?? 1);
  const found: ChangePoint[] = [];
  const bounds = [0, series.length];
  for (;;) {
    const segments = bounds.slice(0, -1).map((start, index) => [start, bounds[index + 1]!] as const);
    const best = bestOfSegments(series, segments, minSize);
    if (!best) break;
    let hits = 0;
    const shuffled = [...series];
    for (let round = 0; round < permutations; round++) {
      for (const [start, end] of segments) shuffleRange(shuffled, start, end, random);
      if ((bestOfSegments(shuffled, segments, minSize)?.q ?? 0) >= best.q) hits += 1;
    }
    const pValue = (hits + 1) / (permutations + 1);
    if (pValue > alpha) break;
    found.push({ index: best.index, q: best.q, pValue });
    bounds.push(best.index);
    bounds.sort((a, b) => a - b);
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The highest-scoring split over all segments, or undefined when none is long enough to split. */
function bestOfSegments(series: readonly number[], segments: ReadonlyArray<readonly [number, number]>, minSize: number): Split | undefined {
  let best: Split | undefined;
  for (const [start, end] of segments) {
    const split = bestSplit(series, start, end, minSize);
    if (split && (!best || split.q > best.q)) best = split;
  }
  return best;
}

/**
 * The split of `series[start, end)` with the highest Q, in O(L²): with W(a, b) the sum of |zᵢ − zⱼ| over a ≤ i < j < b,
 * the cross sum of a split at τ is W(start, end) − W(start, τ) − W(τ, end), and both W's follow τ incrementally.
 */
export function bestSplit(series: readonly number[], start: number, end: number, minSize: number): Split | undefined {
  const length = end - start;
  if (length < 2 * minSize) return undefined;
  // prefixWithin[k] = W(start, start + k); suffixWithin[k] = W(start + k, end).
  const prefixWithin = new Float64Array(length + 1);
  const suffixWithin = new Float64Array(length + 1);
  for (let k = 1; k <= length; k++) {
    const value = series[start + k - 1]!;
    let toEarlier = 0;
    for (let i = start; i < start + k - 1; i++) toEarlier += Math.abs(series[i]! - value);
    prefixWithin[k] = prefixWithin[k - 1]! + toEarlier;
  }
  for (let k = length - 1; k >= 0; k--) {
    const value = series[start + k]!;
    let toLater = 0;
    for (let j = start + k + 1; j < end; j++) toLater += Math.abs(series[j]! - value);
    suffixWithin[k] = suffixWithin[k + 1]! + toLater;
  }
  const total = prefixWithin[length]!;
  let best: Split | undefined;
  for (let m = minSize; m <= length - minSize; m++) {
    const n = length - m;
    const within = [prefixWithin[m]!, suffixWithin[m]!] as const;
    const cross = total - within[0] - within[1];
    const energy = (2 * cross) / (m * n) - (m > 1 ? within[0] / ((m * (m - 1)) / 2) : 0) - (n > 1 ? within[1] / ((n * (n - 1)) / 2) : 0);
    const q = ((m * n) / (m + n)) * energy;
    if (!best || q > best.q) best = { start, end, index: start + m, q };
  }
  return best;
}

/** Fisher-Yates over `values[start, end)`. */
function shuffleRange(values: number[], start: number, end: number, random: () => number): void {
  for (let i = end - 1; i > start; i--) {
    const j = start + Math.floor(random() * (i - start + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
}
