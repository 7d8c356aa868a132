/** Published figures beside the measured ones: how close a run came to the table it reproduces. */
import { formatMetric, headlineValue, METRICS } from '../results/metrics.js';
import type { CaseResult, ResultFile } from '../results/result-file.js';
import { parseDuration, parseSize } from '../util/units.js';

/** One published figure and the measured value of the same target at the same point, if the run has it. */
export interface ReferenceRow {
  target: string;
  point: string;
  published: string;
  measured: string;
  /** Measured ÷ published (null when the point was not measured). */
  ratio: number | null;
}

/** The run's published figures, each beside the measured median of its case; null when the scenario has none. */
export function referenceRows(result: ResultFile): { source: string; url?: string; machine?: string; metric: string; rows: ReferenceRow[] } | null {
  const reference = result.manifest.scenario.reference;
  if (!reference) return null;
  const metric = METRICS.find((candidate) => candidate.key === reference.metric)!;
  const rows = reference.figures.map(({ target, value, ...point }): ReferenceRow => {
    const entry = result.cases.find((candidate) => candidate.target === target && matches(candidate, point));
    const measured = entry?.summary ? headlineValue(entry.summary, metric) : null;
    return {
      target,
      point: entry?.label ?? Object.entries(point).map(([key, item]) => `${key} ${item}`).join(', '),
      published: formatMetric(metric, value),
      measured: measured === null ? 'not measured in this run' : formatMetric(metric, measured),
      ratio: measured === null || value === 0 ? null : measured / value,
    };
  });
  return { source: reference.source, url: reference.url, machine: reference.machine, metric: `${metric.label} (${metric.unit}, ${metric.better} is better)`, rows };
}

/** Whether the case's parameters have every value of `point` ("1KB" matches 1000, "64KiB" 65536, "2s" 2000). */
function matches(entry: CaseResult, point: Record<string, string | number>): boolean {
  return Object.entries(point).every(([key, wanted]) => {
    const actual = entry.params[key];
    if (typeof wanted === 'number' || typeof actual !== 'number') return actual === wanted;
    for (const parse of [parseSize, parseDuration]) {
      try {
        if (parse(wanted) === actual) return true;
      } catch {
        // not this kind of value
      }
    }
    return false;
  });
}
