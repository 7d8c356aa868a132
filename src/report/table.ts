/** The terminal summary table printed at the end of a run (plain text, aligned columns). */
import { formatMetric, headlineValue, METRICS } from '../results/metrics.js';
import type { ResultFile } from '../results/result-file.js';
import type { ResourceScope } from '../results/trial.js';
import { caseWarnings } from './case-warnings.js';
import { durabilityMismatch } from './durability.js';
import { rankPoints, renderRankings } from './ranking.js';

/** Candidate columns; a column is shown when at least one case has a value for it. */
const COLUMNS = [
  'opSeconds.mean',
  'e2eLatencyMs.p50',
  'e2eLatencyMs.p99',
  'publishLatencyMs.p99',
  'throughput.messagesPerSec',
  'throughput.megabytesPerSec',
  'throughput.writeMegabytesPerSec',
  'ratioToCeiling',
  'toolCeiling.messagesPerSec',
  'clientEfficiency',
  'readEfficiency',
  'vector.search.Strong.latencyMs.mean',
  'vector.search.Bounded.latencyMs.mean',
  'vector.query.Strong.latencyMs.mean',
  'vector.recallAtK',
  'vector.ingestRowsPerSec',
  'ticks.lagMs.p50',
  'ticks.lagMs.p99',
  'ticks.strongReadWaitMs.p99',
  'durability.acknowledgedLost',
  'durability.unacknowledgedPresent',
  'durability.unavailableMs',
  'sendDelayMs.p99',
  'cpuSeconds.broker',
  'cpuSeconds.client',
  'peakRssBytes.broker',
  'peakRssBytes.client',
  'storageBytes',
];

/** The mark after a target's name by how its resources were measured (explained below the table). */
const SCOPE_MARKS: Record<ResourceScope, string> = { separate: '', shared: '*', 'client-only': '†' };

/** Lays out rows of cells as an aligned text table; the first `leftColumns` columns are left-aligned. */
export function alignTable(rows: string[][], leftColumns: number): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row, index) => {
      const line = row
        .map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  ')
        .trimEnd();
      return index === 0 ? `${line}\n${widths.map((width) => '─'.repeat(width)).join('  ')}` : line;
    })
    .join('\n');
}

/** The summary table of a result: one row per case. Embedded targets' client figures are broker+client (marked *). */
export function renderSummaryTable(result: ResultFile): string {
  const metrics = COLUMNS.map((key) => METRICS.find((metric) => metric.key === key)!).filter((metric) =>
    result.cases.some((entry) => entry.summary !== null && headlineValue(entry.summary, metric) !== null),
  );
  const header = ['target', 'point', 'status', ...metrics.map((metric) => `${metric.label}${metric.unit === 'ms' ? ' ms' : ''}`), 'lost', 'corrupt'];
  const rows = result.cases.map((entry) => {
    const summary = entry.summary;
    return [
      `${entry.target}${SCOPE_MARKS[summary?.resourceScope ?? 'separate']}`,
      entry.label,
      entry.status,
      ...metrics.map((metric) => formatMetric(metric, summary ? headlineValue(summary, metric) : null)),
      String(summary?.delivery.lost ?? '–'),
      String(summary?.delivery.corrupt ?? '–'),
    ];
  });
  const scopes = new Set(result.cases.map((entry) => entry.summary?.resourceScope));
  const notes = [
    scopes.has('shared') ? "\n* embedded target: the broker runs in the trial's worker process, so the client figures are broker+client" : '',
    scopes.has('client-only') ? '\n† broker not measured (no broker process known, e.g. an external endpoint): only the client figures are' : '',
    result.cases.some((entry) => (entry.summary?.trials ?? 0) > 1) ? "\nfigures: the median over trials of each trial's value (mqbench compare gives their 95% CIs)" : '',
  ].join('');
  return `${alignTable([header, ...rows], 3)}${notes}${renderRankings(rankPoints(result))}${clientWarnings(result)}`;
}

/** Warnings: targets compared at different durabilities, points where mqbench's client reached less than 0.8 of the broker's own tool (or the tool failed), and pauses. */
function clientWarnings(result: ResultFile): string {
  const durability = durabilityMismatch(result);
  const lines = [
    ...(durability ? [`! ${durability}`] : []),
    ...result.cases.flatMap((entry) => caseWarnings(entry).map((warning) => `! ${entry.target} ${entry.label}: ${warning}`)),
  ];
  return lines.length === 0 ? '' : `\n${lines.join('\n')}`;
}
