/** `mqbench history add | changes | report`: a store of results across commits, its change points and its trend page. */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { changeVerdict, findChanges, type ChangeOptions, type ChangeReport } from '../history/changes.js';
import { entryFromResult } from '../history/entry.js';
import { seriesOf, type SeriesSelection } from '../history/series.js';
import { addEntry, DEFAULT_STORE, loadEntries } from '../history/store.js';
import { renderTrendReport } from '../history/trend-report.js';
import { cell, pct } from '../gate/markdown.js';
import { keyMetric } from '../report/ranking.js';
import { alignTable } from '../report/table.js';
import { readResultFile } from '../results/io.js';
import { formatMetric, METRICS } from '../results/metrics.js';
import { ExitCode, InputError } from '../util/errors.js';

/** Options of `history add`. */
export interface HistoryAddOptions {
  store?: string;
  ref?: string;
  sha?: string;
  at?: string;
  machine?: string;
}

/** `mqbench history add <result.json ...>`: appends each result to the store. */
export async function historyAddCommand(files: string[], options: HistoryAddOptions): Promise<number> {
  if (options.at !== undefined && Number.isNaN(Date.parse(options.at))) {
    throw new InputError([{ source: '--at', path: '', message: `"${options.at}" is not a time (ISO 8601, e.g. 2026-12-01T10:00:00Z)` }]);
  }
  if (options.at !== undefined && files.length > 1) throw new InputError([{ source: '--at', path: '', message: 'applies to one result; add the results one at a time' }]);
  const store = options.store ?? DEFAULT_STORE;
  for (const file of files) {
    const result = await readResultFile(file);
    const entry = entryFromResult(result, { ...options, keyMetricOf: (params) => keyMetric(params)?.key });
    const { path, added } = await addEntry(store, entry);
    process.stdout.write(`${added ? 'added' : 'already in the store'}: ${file} → ${path} (${entry.machine}, ${entry.scenario}@${entry.configHash.slice(0, 8)}, ${entry.sha.slice(0, 10)}, ${entry.cases.length} cases)\n`);
  }
  return ExitCode.ok;
}

/** Options of `history changes` and `history report`. */
export interface HistoryQueryOptions {
  store?: string;
  metric?: string[];
  targets?: string[];
  scenario?: string;
  machine?: string;
  since?: string;
  acrossConfigs?: boolean;
  recent?: number;
  alpha?: number;
  permutations?: number;
  minSize?: number;
  minChange?: number;
  json?: string;
  markdown?: string;
  output?: string;
}

/** The series and change points the options select. */
async function search(options: HistoryQueryOptions) {
  const store = options.store ?? DEFAULT_STORE;
  const entries = await loadEntries(store);
  const selection: SeriesSelection = {
    metrics: metricsOption(options.metric),
    ...(options.targets ? { targets: options.targets } : {}),
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...(options.machine ? { machine: options.machine } : {}),
    ...(options.since ? { since: sinceOption(options.since) } : {}),
    ...(options.acrossConfigs ? { acrossConfigurations: true } : {}),
  };
  const series = seriesOf(entries, selection);
  const changeOptions: ChangeOptions = {
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
    ...(options.permutations !== undefined ? { permutations: options.permutations } : {}),
    ...(options.minSize !== undefined ? { minSize: options.minSize } : {}),
    ...(options.recent !== undefined ? { recent: options.recent } : {}),
    ...(options.minChange !== undefined ? { minChange: options.minChange } : {}),
  };
  return { store, entries, series, report: findChanges(series, changeOptions) };
}

function metricsOption(metrics: string[] | undefined): SeriesSelection['metrics'] {
  if (!metrics || metrics.length === 0 || (metrics.length === 1 && metrics[0] === 'key')) return 'key';
  if (metrics.length === 1 && metrics[0] === 'all') return 'all';
  const unknown = metrics.filter((key) => !METRICS.some((metric) => metric.key === key));
  if (unknown.length > 0) {
    throw new InputError([{ source: '--metric', path: '', message: `unknown metric ${unknown.map((key) => `"${key}"`).join(', ')}; use key, all, or one of: ${METRICS.map((metric) => metric.key).join(', ')}` }]);
  }
  return metrics;
}

function sinceOption(since: string): string {
  const time = Date.parse(since);
  if (Number.isNaN(time)) throw new InputError([{ source: '--since', path: '', message: `"${since}" is not a time (ISO 8601, e.g. 2026-11-01)` }]);
  return new Date(time).toISOString();
}

/** The change points as an aligned table. */
function changesTable(report: ChangeReport): string {
  if (report.changes.length === 0) return 'no change point\n';
  const rows = [
    ['metric', 'target', 'point', 'commits', 'first after', 'level', 'change', 'p', 'direction'],
    ...report.changes.map((change) => [
      change.series.metric.label,
      change.series.target,
      change.series.label,
      `${change.lastBefore.sha.slice(0, 10)}..${change.firstAfter.sha.slice(0, 10)}`,
      change.firstAfter.at.slice(0, 16).replace('T', ' '),
      `${formatMetric(change.series.metric, change.levelBefore)} → ${formatMetric(change.series.metric, change.levelAfter)}`,
      pct(change.change * 100),
      change.pValue.toFixed(3),
      changeVerdict(change),
    ]),
  ];
  return `${alignTable(rows, 3)}\n`;
}

/** `mqbench history changes`: change points of every selected series; exit 3 on a recent one in the worse direction. */
export async function historyChangesCommand(options: HistoryQueryOptions): Promise<number> {
  const { store, entries, series, report } = await search(options);
  process.stdout.write(`${entries.length} results in ${store}, ${series.length} series (${report.tooShort.length} too short to split)\n`);
  process.stdout.write(changesTable(report));
  if (options.json) {
    await writeOutput(
      options.json,
      `${JSON.stringify(
        report.changes.map((change) => ({
          series: change.series.key,
          metric: change.series.metric.key,
          target: change.series.target,
          point: change.series.label,
          lastBefore: { sha: change.lastBefore.sha, at: change.lastBefore.at },
          firstAfter: { sha: change.firstAfter.sha, at: change.firstAfter.at },
          levelBefore: change.levelBefore,
          levelAfter: change.levelAfter,
          change: change.change,
          pValue: change.pValue,
          direction: change.direction,
          recent: change.recent,
          configurationChanged: change.configurationChanged,
        })),
        null,
        1,
      )}\n`,
    );
  }
  const failing = report.changes.filter((change) => change.direction === 'worse' && change.recent);
  if (options.markdown) await writeOutput(options.markdown, changesMarkdown(report, entries.length, failing.length, options.recent ?? 5), true);
  if (failing.length > 0) {
    process.stdout.write(`gate: ${failing.length} change point${failing.length === 1 ? '' : 's'} for the worse among the last ${options.recent ?? 5} results\n`);
    return ExitCode.gateFailed;
  }
  return ExitCode.ok;
}

/** `mqbench history report`: the trend page. */
export async function historyReportCommand(options: HistoryQueryOptions): Promise<number> {
  const { store, entries, series, report } = await search(options);
  const output = options.output ?? 'trends.html';
  await writeOutput(output, renderTrendReport({ store, results: entries.length, series, report }));
  process.stdout.write(`trends: ${resolve(output)} (${series.length} series, ${report.changes.length} change points)\n`);
  return ExitCode.ok;
}

/** The change points as Markdown (e.g. for $GITHUB_STEP_SUMMARY). */
function changesMarkdown(report: ChangeReport, results: number, failing: number, recent: number): string {
  const verdict = failing > 0 ? `**${failing} change point${failing === 1 ? '' : 's'} for the worse among the last ${recent} results.**` : `No change point for the worse among the last ${recent} results.`;
  const rows = report.changes.map((change) =>
    [
      change.series.metric.label,
      change.series.target,
      change.series.label,
      `\`${change.lastBefore.sha.slice(0, 10)}\`..\`${change.firstAfter.sha.slice(0, 10)}\``,
      `${formatMetric(change.series.metric, change.levelBefore)} → ${formatMetric(change.series.metric, change.levelAfter)}`,
      pct(change.change * 100),
      change.pValue.toFixed(3),
      changeVerdict(change),
    ]
      .map(cell)
      .join(' | '),
  );
  const table = rows.length > 0 ? `| metric | target | point | commits | level | change | p | direction |\n|---|---|---|---|---|---|---|---|\n${rows.map((row) => `| ${row} |`).join('\n')}\n` : '';
  return `## mqbench history: change points\n\n${results} results, ${report.searched} series. ${verdict}\n\n${table}`;
}

/** Writes (or, `append`, appends) `text` to `path`, creating its directory; a failure is bad input naming the file. */
async function writeOutput(path: string, text: string, append = false): Promise<void> {
  try {
    await mkdir(dirname(resolve(path)), { recursive: true });
    await (append ? appendFile : writeFile)(path, text);
  } catch (error) {
    throw new InputError([{ source: path, path: '', message: `cannot write: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }]);
  }
}
