/**
 * The history's series: one per machine × scenario configuration × case × metric, its points in time order. Results
 * of different machines or configurations are never mixed in one series.
 */
import { METRICS, type MetricDefinition } from '../results/metrics.js';
import type { HistoryEntry } from './entry.js';

/** One result's figure in a series. */
export interface SeriesPoint {
  at: string;
  sha: string;
  ref: string | null;
  /** The scenario configuration this result measured (constant unless the series runs across configurations). */
  configHash: string;
  value: number;
  ci95: [number, number] | null;
  trials: number[];
}

/** One series. */
export interface Series {
  /** machine / scenario@config / case / metric, unique. */
  key: string;
  machine: string;
  scenario: string;
  /** The configuration hash, or 'across configurations' (see SeriesSelection.acrossConfigurations). */
  configHash: string;
  caseId: string;
  target: string;
  label: string;
  metric: MetricDefinition;
  points: SeriesPoint[];
}

/** Which series to read. */
export interface SeriesSelection {
  /** 'key': each case's key metric (the default); 'all': every metric; else these metric keys. */
  metrics: 'key' | 'all' | string[];
  targets?: string[];
  scenario?: string;
  machine?: string;
  /** Only results made at or after this time (ISO 8601). */
  since?: string;
  /**
   * One series per case across the scenario's configurations (same scenario name, case and machine), instead of one
   * per configuration: a changed setting then shows as a change of level where it was made (each point keeps its
   * configuration, and a change point says whether the configuration changed there).
   */
  acrossConfigurations?: boolean;
}

/** The configHash of a series that runs across configurations. */
export const ACROSS_CONFIGURATIONS = 'across configurations';

/** The series of `entries` (oldest first) that `selection` asks for, in a stable order. */
export function seriesOf(entries: readonly HistoryEntry[], selection: SeriesSelection): Series[] {
  const byKey = new Map<string, Series>();
  for (const entry of entries) {
    if (selection.since && entry.at < selection.since) continue;
    if (selection.scenario && entry.scenario !== selection.scenario) continue;
    if (selection.machine && entry.machine !== selection.machine) continue;
    for (const entryCase of entry.cases) {
      if (selection.targets && !selection.targets.includes(entryCase.target)) continue;
      for (const [metricKey, figure] of Object.entries(entryCase.metrics)) {
        if (!wanted(selection.metrics, metricKey, entryCase.keyMetric)) continue;
        const metric = METRICS.find((candidate) => candidate.key === metricKey);
        if (!metric) continue;
        const configuration = selection.acrossConfigurations ? ACROSS_CONFIGURATIONS : entry.configHash;
        const key = `${entry.machine} / ${entry.scenario}@${selection.acrossConfigurations ? configuration : configuration.slice(0, 8)} / ${entryCase.id} / ${metricKey}`;
        let series = byKey.get(key);
        if (!series) {
          series = { key, machine: entry.machine, scenario: entry.scenario, configHash: configuration, caseId: entryCase.id, target: entryCase.target, label: entryCase.label, metric, points: [] };
          byKey.set(key, series);
        }
        series.points.push({ at: entry.at, sha: entry.sha, ref: entry.ref, configHash: entry.configHash, value: figure.value, ci95: figure.ci95, trials: figure.trials });
      }
    }
  }
  const order = (metric: MetricDefinition) => METRICS.indexOf(metric);
  return [...byKey.values()].sort((a, b) => a.machine.localeCompare(b.machine) || a.scenario.localeCompare(b.scenario) || a.configHash.localeCompare(b.configHash) || a.caseId.localeCompare(b.caseId) || order(a.metric) - order(b.metric));
}

function wanted(metrics: SeriesSelection['metrics'], key: string, keyMetric: string | null): boolean {
  if (metrics === 'all') return true;
  if (metrics === 'key') return key === keyMetric;
  return metrics.includes(key);
}
