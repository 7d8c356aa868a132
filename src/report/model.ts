/** The report's view model: a pure function of result files, serialised into the HTML for the page's script. */
import { mergeEncoded, percentileSpectrum } from '../metrics/histogram.js';
import type { ResourceScope } from '../results/trial.js';
import { bestIndex, formatMetric, headlineValue, METRICS } from '../results/metrics.js';
import { caseWarnings } from './case-warnings.js';
import { durabilityMismatch } from './durability.js';
import { referenceRows } from './reference.js';
import { rankPoints, type RankedTarget } from './ranking.js';
import type { GateRules } from '../gate/rules.js';
import type { CaseResult, ResultFile } from '../results/result-file.js';
import { buildComparison, type ComparisonModel } from './comparison.js';

/** Error bars (the bootstrap CI over trials) are drawn from this many trials on. */
export const ERROR_BAR_MIN_TRIALS = 3;

/** The metrics rows of one workload type measure: those with a value in any of them, in display order. */
export function measuredMetrics(rows: readonly ReportRow[]): typeof METRICS[number][] {
  return METRICS.filter((metric) => rows.some((row) => row.values[metric.key] !== null && row.values[metric.key] !== undefined));
}

/** One row of the summary table. */
export interface ReportRow {
  run: number;
  caseId: string;
  /** The target's name, qualified by the run's scenario when several runs are shown. */
  series: string;
  label: string;
  /** The workload type (pubsub, stream, ticks, vector): rows of one type share a compact table. */
  workload: string;
  status: string;
  scope: ResourceScope;
  values: Record<string, number | null>;
  /** The 95% bootstrap CI over trials of each metric's median, where the case has ≥ 3 trials (error bars). */
  ci95: Record<string, [number, number]>;
  formatted: Record<string, string>;
  best: string[];
  /** Compact delivery verdict, e.g. "5000/5000 ✓" or "4998/5000 · 2 lost". */
  delivery: string;
  /** Every delivery counter, for a tooltip. */
  deliveryDetail: string;
  loopDelayP99: number | null;
  note: string;
}

/** Everything the page script draws. */
export interface ReportModel {
  title: string;
  metrics: Array<{ key: string; label: string; unit: string; better: string }>;
  rows: ReportRow[];
  /** Parameter points in plan order (x axis of the bar charts). */
  points: string[];
  /** Series names in order (one bar per series in each group). */
  seriesNames: string[];
  spectra: Array<{ name: string; kind: 'e2e' | 'publish'; points: Array<{ percentile: number; ms: number }> }>;
  timeSeries: Array<{
    name: string;
    t: number[];
    messagesPerSec: number[];
    megabytesPerSec: number[];
    cpuCores: { broker: number[]; client: number[] };
    rssBytes: { broker: number[]; client: number[] };
    resourceT: number[];
    scope: ResourceScope;
  }>;
  /** Vector cases: search latency (p50, p99) and ingest rate per second, side by side. */
  vectorSeries: Array<{ name: string; t: number[]; ingestRowsPerSec: number[]; searchP50Ms: number[]; searchP99Ms: number[] }>;
  /** Present when the report shows exactly two runs: baseline (first) and candidate (second). */
  comparison: ComparisonModel | null;
  /** Per run: the warning when its targets acknowledge at different durabilities (see durability.ts). */
  durabilityWarnings: string[];
  /** Per run with a `reference:` block: its published figures beside the measured ones (see reference.ts). */
  references: Array<NonNullable<ReturnType<typeof referenceRows>> & { run: string }>;
  /** A single run's points with two or more targets, ranked on the workload's key metric (see ranking.ts). */
  rankings: Array<{ point: string; metric: string; better: string; unit: string; targets: RankedTarget[] }>;
  runs: Array<{
    scenario: string;
    status: string;
    reason?: string;
    command: string;
    startedAt: string;
    endedAt: string | null;
    manifest: unknown;
    scenarioText: string;
    payloads: string[];
    targets: Array<{ name: string; type: string; provider: string; broker: string; client: string; durability: string; notes: string[] }>;
  }>;
}

/** Builds the view model of one or more result files (two: a comparison too, with `rules` applied when given). */
export function buildReportModel(results: readonly ResultFile[], rules?: GateRules): ReportModel {
  const multiple = results.length > 1;
  const seriesName = (run: number, target: string) => (multiple ? `${target} (${results[run]!.manifest.scenario.name} #${run + 1})` : target);
  const rows: ReportRow[] = results.flatMap((result, run) => result.cases.map((entry) => toRow(entry, run, seriesName(run, entry.target))));
  markBest(rows);
  const points = unique(rows.map((row) => row.label));
  const seriesNames = unique(rows.map((row) => row.series));
  const spectra: ReportModel['spectra'] = [];
  const vectorSeries: ReportModel['vectorSeries'] = [];
  const timeSeries: ReportModel['timeSeries'] = [];
  results.forEach((result, run) => {
    for (const entry of result.cases) {
      const name = `${seriesName(run, entry.target)} · ${entry.label}`;
      const measured = entry.trials.flatMap((trial) => (trial.measured ? [trial.measured] : []));
      if (measured.length === 0) continue;
      for (const kind of ['e2e', 'publish'] as const) {
        const histogram = mergeEncoded(measured.map((phase) => (kind === 'e2e' ? phase.histograms.e2eLatencyUs : phase.histograms.publishLatencyUs)));
        const points = percentileSpectrum(histogram).filter((point) => point.percentile < 100);
        histogram.destroy();
        if (points.length > 0) spectra.push({ name, kind, points });
      }
      const vector = [...entry.trials].reverse().find((candidate) => candidate.extras?.vector)?.extras?.vector as
        | { series?: { t: number[]; ingestRowsPerSec: number[]; searchP50Ms: number[]; searchP99Ms: number[] } }
        | undefined;
      if (vector?.series && vector.series.t.length > 0) vectorSeries.push({ name, ...vector.series });
      const trial = [...entry.trials].reverse().find((candidate) => candidate.measured && candidate.resources);
      if (trial?.measured && trial.resources) {
        const series = trial.measured.series;
        const seconds = series.intervalMs / 1000;
        timeSeries.push({
          name: `${name} (trial ${trial.number})`,
          t: series.deliveredMessages.map((_, index) => (index + 1) * seconds),
          messagesPerSec: series.deliveredMessages.map((count) => count / seconds),
          megabytesPerSec: series.deliveredBytes.map((bytes) => bytes / 1e6 / seconds),
          resourceT: trial.resources.series.t,
          cpuCores: { broker: trial.resources.series.brokerCpuCores, client: trial.resources.series.clientCpuCores },
          rssBytes: { broker: trial.resources.series.brokerRssBytes, client: trial.resources.series.clientRssBytes },
          scope: trial.resources.scope,
        });
      }
    }
  });
  return {
    title: results.map((result) => result.manifest.scenario.name).join(' vs '),
    metrics: METRICS.map(({ key, label, unit, better }) => ({ key, label, unit, better })),
    rows,
    points,
    seriesNames,
    spectra,
    timeSeries,
    vectorSeries,
    comparison: results.length === 2 ? buildComparison(results[0]!, results[1]!, rules) : null,
    durabilityWarnings: results.flatMap((result) => durabilityMismatch(result) ?? []),
    references: results.flatMap((result) => {
      const reference = referenceRows(result);
      return reference ? [{ ...reference, run: result.manifest.scenario.name }] : [];
    }),
    rankings:
      results.length === 1
        ? rankPoints(results[0]!).map((ranking) => ({ point: ranking.point, metric: ranking.metric.label, better: ranking.metric.better, unit: ranking.metric.unit, targets: ranking.targets }))
        : [],
    runs: results.map((result) => runInfo(result)),
  };
}

function toRow(entry: CaseResult, run: number, series: string): ReportRow {
  const summary = entry.summary;
  const values: Record<string, number | null> = {};
  const formatted: Record<string, string> = {};
  const ci95: Record<string, [number, number]> = {};
  for (const metric of METRICS) {
    values[metric.key] = summary ? headlineValue(summary, metric) : null;
    formatted[metric.key] = formatMetric(metric, values[metric.key]!);
    const stats = summary?.trialStats?.[metric.key];
    if (stats && stats.n >= ERROR_BAR_MIN_TRIALS) ci95[metric.key] = stats.ci95;
  }
  const delivery = summary?.delivery;
  return {
    run,
    caseId: entry.id,
    series,
    label: entry.label,
    workload: entry.workload,
    status: entry.status,
    scope: summary?.resourceScope ?? 'separate',
    values,
    ci95,
    formatted,
    best: [],
    delivery: delivery ? deliveryVerdict(delivery) : '–',
    deliveryDetail: delivery
      ? `published ${delivery.published}, acknowledged ${delivery.acknowledged}, delivered ${delivery.delivered}, lost ${delivery.lost}, duplicated ${delivery.duplicated}, out of order ${delivery.outOfOrder}, corrupt ${delivery.corrupt}${delivery.notDelivered ? `, not delivered when the trial ended early ${delivery.notDelivered} (not known to be lost)` : ''}`
      : '',
    loopDelayP99: summary?.eventLoopDelayMs.p99 ?? null,
    note: [entry.error, ...entry.failures, ...caseWarnings(entry)].filter(Boolean).join('; '),
  };
}

function deliveryVerdict(delivery: NonNullable<CaseResult['summary']>['delivery']): string {
  const problems = [
    delivery.lost && `${delivery.lost} lost`,
    delivery.corrupt && `${delivery.corrupt} corrupt`,
    delivery.duplicated && `${delivery.duplicated} dup`,
    delivery.outOfOrder && `${delivery.outOfOrder} out of order`,
    delivery.notDelivered && `${delivery.notDelivered} not delivered (ended early)`,
  ].filter(Boolean);
  return `${delivery.delivered}/${delivery.acknowledged}${problems.length === 0 ? ' ✓' : ` · ${problems.join(' · ')}`}`;
}

/** Marks, within each parameter point, the best row per metric. */
function markBest(rows: ReportRow[]): void {
  for (const label of unique(rows.map((row) => row.label))) {
    const group = rows.filter((row) => row.label === label);
    for (const metric of METRICS) {
      const index = bestIndex(metric, group.map((row) => row.values[metric.key] ?? null));
      if (index >= 0) group[index]!.best.push(metric.key);
    }
  }
}

function runInfo(result: ResultFile): ReportModel['runs'][number] {
  const { manifest } = result;
  const { text: scenarioText, ...scenario } = manifest.scenario;
  const payloads = unique(
    result.cases.flatMap((entry) =>
      entry.trials.flatMap((trial) =>
        trial.payload
          ? [`${trial.payload.generator}: ${trial.payload.distinctBodies} distinct bodies from a ${trial.payload.poolBytes}-byte pool`]
          : [],
      ),
    ),
  );
  return {
    scenario: manifest.scenario.name,
    status: result.status,
    reason: result.reason,
    command: manifest.command,
    startedAt: manifest.startedAt,
    endedAt: manifest.endedAt,
    manifest: { ...manifest, scenario },
    scenarioText,
    payloads,
    targets: Object.entries(manifest.targets).map(([name, target]) => ({
      name,
      type: target.type,
      provider: target.provider,
      broker: target.driver ? `${target.driver.broker.name} ${target.driver.broker.version}` : (target.error ?? '–'),
      client: target.driver ? `${target.driver.client.name} ${target.driver.client.version}` : '–',
      durability: target.driver ? Object.entries(target.driver.durability).map(([key, value]) => `${key}: ${String(value)}`).join('; ') : '–',
      notes: target.driver?.notes ?? [],
    })),
  };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
