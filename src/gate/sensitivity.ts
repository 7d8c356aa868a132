/**
 * How sensitive a gate can be on this machine: from a run's per-trial values (≥ 5 trials), the smallest regression
 * that a relative rule would detect with 95% power. Power is estimated by resampling: baseline and candidate samples
 * are drawn from the observed values, the candidate shifted by s in the metric's worse direction, and the gate's
 * test (Mann-Whitney at `alpha`) applied; s grows until 95% of the draws are detected.
 */
import type { MetricDefinition } from '../results/metrics.js';
import { seededRandom } from '../util/random.js';
import { mannWhitneyU } from '../util/statistics.js';

/** The detection power for a shift of `shiftPct` in the worse direction, with `trials` per side. */
export function detectionPower(values: readonly number[], metric: Pick<MetricDefinition, 'better'>, shiftPct: number, trials: number, alpha: number, draws = 300, seed = 1): number {
  const random = seededRandom(seed);
  const factor = metric.better === 'lower' ? 1 + shiftPct / 100 : 1 / (1 + shiftPct / 100);
  const sample = () => Array.from({ length: trials }, () => values[Math.floor(random() * values.length)]!);
  let detected = 0;
  for (let draw = 0; draw < draws; draw++) {
    const baseline = sample();
    const candidate = sample().map((value) => value * factor);
    const test = mannWhitneyU(baseline, candidate);
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
    const worse = metric.better === 'lower' ? median(candidate) > median(baseline) : median(candidate) < median(baseline);
    if (test && test.p < alpha && worse) detected += 1;
  }
  return detected / draws;
}

/** The smallest shift (1 % steps up to 200 %) detected with at least `power`; undefined when even 200 % is not. */
export function smallestDetectable(values: readonly number[], metric: Pick<MetricDefinition, 'better'>, trials: number, alpha: number, power = 0.95): number | undefined {
  for (let shift = 1; shift <= 200; shift += shift < 20 ? 1 : 5) {
    if (detectionPower(values, metric, shift, trials, alpha) >= power) return shift;
  }
  return undefined;
}
