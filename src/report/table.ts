/** The terminal summary table printed at the end of a run (plain text, aligned columns). */
import { formatMetric, METRICS } from '../results/metrics.js';
import type { ResultFile } from '../results/result-file.js';
import { clientEfficiencyWarnings } from './client-efficiency.js';

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
  'sendDelayMs.p99',
  'cpuSeconds.broker',
  'peakRssBytes.broker',
  'storageBytes',
];

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

/** The summary table of a result: one row per case. Embedded targets' broker figures are broker+client. */
export function renderSummaryTable(result: ResultFile): string {
  const metrics = COLUMNS.map((key) => METRICS.find((metric) => metric.key === key)!).filter((metric) =>
    result.cases.some((entry) => entry.summary !== null && metric.read(entry.summary) !== null),
  );
  const header = ['target', 'point', 'status', ...metrics.map((metric) => `${metric.label}${metric.unit === 'ms' ? ' ms' : ''}`), 'lost', 'corrupt'];
  const rows = result.cases.map((entry) => {
    const summary = entry.summary;
    const shared = summary?.resourceScope === 'shared';
    return [
      `${entry.target}${shared ? '*' : ''}`,
      entry.label,
      entry.status,
      ...metrics.map((metric) => formatMetric(metric, summary ? metric.read(summary) : null)),
      String(summary?.delivery.lost ?? '–'),
      String(summary?.delivery.corrupt ?? '–'),
    ];
  });
  const notes = result.cases.some((entry) => entry.summary?.resourceScope === 'shared')
    ? '\n* embedded target: CPU and memory are of the trial\'s worker process, which runs the broker and the client (broker+client)'
    : '';
  return `${alignTable([header, ...rows], 3)}${notes}${clientWarnings(result)}`;
}

/** Warnings for points where mqbench's client reached less than 0.8 of the broker's own tool, or the tool failed. */
function clientWarnings(result: ResultFile): string {
  const lines = result.cases.flatMap((entry) => clientEfficiencyWarnings(entry).map((warning) => `! ${entry.target} ${entry.label}: ${warning}`));
  return lines.length === 0 ? '' : `\n${lines.join('\n')}`;
}
