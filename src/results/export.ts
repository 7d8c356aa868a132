/**
 * Exporting a result's case summaries for services people already use: the Bencher Metric Format (BMF JSON) and
 * github-action-benchmark's custom formats ("customSmallerIsBetter" / "customBiggerIsBetter").
 */
import { headlineValue, METRICS } from './metrics.js';
import type { ResultFile } from './result-file.js';

/** Bencher Metric Format: { "<case id>": { "<measure>": { value, lower_value, upper_value } } }: the median over trials and its 95% CI. */
export function toBencher(result: ResultFile): Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>> {
  const output: Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>> = {};
  for (const entry of result.cases) {
    if (!entry.summary) continue;
    const measures: Record<string, { value: number; lower_value?: number; upper_value?: number }> = {};
    for (const metric of METRICS) {
      const value = headlineValue(entry.summary, metric);
      if (value === null || !Number.isFinite(value)) continue;
      const stats = entry.summary.trialStats[metric.key];
      measures[metric.key] = stats && stats.n >= 2 ? { value, lower_value: stats.ci95[0], upper_value: stats.ci95[1] } : { value };
    }
    output[entry.id] = measures;
  }
  return output;
}

/** github-action-benchmark custom entries for the metrics where `better` is the given direction. */
export function toGithubActionBenchmark(result: ResultFile, better: 'lower' | 'higher'): Array<{ name: string; unit: string; value: number; range?: string; extra?: string }> {
  const output: Array<{ name: string; unit: string; value: number; range?: string; extra?: string }> = [];
  for (const entry of result.cases) {
    if (!entry.summary) continue;
    for (const metric of METRICS.filter((candidate) => candidate.better === better)) {
      const value = headlineValue(entry.summary, metric);
      if (value === null || !Number.isFinite(value)) continue;
      const stats = entry.summary.trialStats[metric.key];
      output.push({
        name: `${entry.id} ${metric.label}`,
        unit: metric.unit,
        value,
        ...(stats && stats.n >= 2 ? { range: `${stats.ci95[0].toPrecision(4)}…${stats.ci95[1].toPrecision(4)} (95% CI)` } : {}),
        extra: `trials: ${entry.summary.trials}; status: ${entry.status}`,
      });
    }
  }
  return output;
}
