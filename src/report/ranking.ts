/**
 * The first thing a reader choosing a broker wants: at each parameter point of a multi-target run, the targets ranked
 * on the workload's key metric, each with its ratio to the best, the 95% bootstrap CI of that ratio over trials, and
 * whether the difference from the best is established: the CI excludes 1. (Mann-Whitney U, which compare uses, cannot
 * reach p < 0.05 with 3 trials a side, the usual count for a comparison run; the interval still can.)
 */
import { workloadDefinition } from '../workloads/registry.js';
import { ratioEstimate } from '../util/statistics.js';
import { headlineValue, METRICS, type MetricDefinition } from '../results/metrics.js';
import type { CaseResult, ResultFile } from '../results/result-file.js';

/** One target at a point. */
export interface RankedTarget {
  target: string;
  value: number;
  /** value ÷ the best's value (1 for the best). */
  ratio: number;
  /** The ratio's 95% CI over trials; null with fewer than two trials on either side. */
  ci95: [number, number] | null;
  /** Whether its CI excludes 1 (it differs from the best); null for the best, or with fewer than two trials a side. */
  significant: boolean | null;
}

/** The ranking of one parameter point. */
export interface PointRanking {
  point: string;
  metric: MetricDefinition;
  targets: RankedTarget[];
}

/** The metric a workload's points are ranked on: what its published experiment reports (the workload's definition says). */
export function keyMetric(params: Record<string, unknown>): MetricDefinition | undefined {
  const definition = typeof params.type === 'string' ? workloadDefinition(params.type) : undefined;
  const key = definition?.keyMetric(params as never);
  return METRICS.find((metric) => metric.key === key);
}

/** The rankings of every point with at least two targets that measured its key metric. */
export function rankPoints(result: ResultFile): PointRanking[] {
  const points = new Map<string, CaseResult[]>();
  for (const entry of result.cases) points.set(entry.label, [...(points.get(entry.label) ?? []), entry]);
  const rankings: PointRanking[] = [];
  for (const [point, cases] of points) {
    const metric = keyMetric(cases[0]!.params);
    if (!metric) continue;
    const measured = cases.flatMap((entry) => {
      const value = entry.summary ? headlineValue(entry.summary, metric) : null;
      return value === null || !Number.isFinite(value) ? [] : [{ entry, value, trials: entry.summary!.trialStats[metric.key]?.values ?? [value] }];
    });
    if (measured.length < 2) continue;
    measured.sort((a, b) => (metric.better === 'lower' ? a.value - b.value : b.value - a.value));
    const best = measured[0]!;
    // A best of 0 (no acknowledged message lost) leaves no ratio to form: such a point is read from its own table.
    if (best.value === 0) continue;
    rankings.push({
      point,
      metric,
      targets: measured.map(({ entry, value, trials }, index) => {
        if (index === 0) return { target: entry.target, value, ratio: 1, ci95: null, significant: null };
        const enough = trials.length >= 2 && best.trials.length >= 2;
        const ci95 = enough ? ratioEstimate(best.trials, trials).ci95 : null;
        return { target: entry.target, value, ratio: value / best.value, ci95, significant: ci95 ? ci95[0] > 1 || ci95[1] < 1 : null };
      }),
    });
  }
  return rankings;
}

/** The rankings as text lines for the terminal: one line per point, best first. */
export function renderRankings(rankings: readonly PointRanking[]): string {
  if (rankings.length === 0) return '';
  const lines = rankings.map((ranking) => {
    const unit = ranking.metric.unit === 'ms' ? ' ms' : ranking.metric.unit === 'seconds' ? ' s' : ` ${ranking.metric.unit}`;
    const parts = ranking.targets.map((entry, index) => {
      if (index === 0) return `${entry.target} ${trim(entry.value)}${unit} (best)`;
      const ci = entry.ci95 ? ` [${entry.ci95[0].toFixed(2)}–${entry.ci95[1].toFixed(2)}]` : '';
      const mark = entry.significant === false ? ' ~' : entry.significant === null ? ' ?' : '';
      return `${entry.target} ${entry.ratio.toFixed(2)}×${ci}${mark}`;
    });
    return `  ${ranking.point} — ${ranking.metric.label} (${ranking.metric.better} is better): ${parts.join(' · ')}`;
  });
  return `\nranking per point: each target's figure ÷ the best's, [95% CI over trials]; ~ its CI includes 1 (not shown to differ from the best), ? one trial: no CI\n${lines.join('\n')}`;
}

function trim(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
