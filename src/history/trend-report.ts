/**
 * trends.html: the history as one self-contained page — per series (machine × configuration × case × metric) the
 * median of every result with its 95% CI band, across results in time order, change points marked, and a table of the
 * change points first. Chart.js, the styles and the data are inlined: it opens offline.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMetric } from '../results/metrics.js';
import { escapeHtml, loadAssets, scriptJson } from '../report/html.js';
import { changeVerdict, type ChangeReport } from './changes.js';
import { ACROSS_CONFIGURATIONS, type Series } from './series.js';

const here = dirname(fileURLToPath(import.meta.url));

/** What the page is drawn from. */
export interface TrendInput {
  store: string;
  results: number;
  series: readonly Series[];
  report: ChangeReport;
}

/** The trend page. */
export function renderTrendReport(input: TrendInput): string {
  const { chart, style } = loadAssets();
  const client = readFileSync(join(here, 'assets', 'trends.js'), 'utf8');
  const changesOf = (series: Series) => input.report.changes.filter((change) => change.series === series);
  const data = input.series.map((series) => ({
    key: series.key,
    title: `${series.metric.label} · ${series.target} · ${series.label}`,
    subtitle: `${series.machine} · ${series.scenario}@${series.configHash === ACROSS_CONFIGURATIONS ? series.configHash : series.configHash.slice(0, 8)}`,
    unit: series.metric.unit,
    better: series.metric.better,
    points: series.points.map((point) => ({ at: point.at, sha: point.sha.slice(0, 10), ref: point.ref, value: point.value, ci95: point.ci95, trials: point.trials.length })),
    changes: changesOf(series).map((change) => ({ index: change.index, direction: change.direction, change: change.change, pValue: change.pValue })),
  }));
  const rows = input.report.changes.map(
    (change) => `<tr class="${change.direction}"><td>${escapeHtml(change.series.metric.label)}</td><td>${escapeHtml(change.series.target)}</td><td>${escapeHtml(change.series.label)}</td><td><code>${escapeHtml(change.lastBefore.sha.slice(0, 10))}</code> → <code>${escapeHtml(change.firstAfter.sha.slice(0, 10))}</code></td><td>${escapeHtml(change.firstAfter.at.slice(0, 16).replace('T', ' '))}</td><td>${escapeHtml(formatMetric(change.series.metric, change.levelBefore))} → ${escapeHtml(formatMetric(change.series.metric, change.levelAfter))}</td><td>${(change.change * 100).toFixed(1)} %</td><td>${change.pValue.toFixed(3)}</td><td>${escapeHtml(changeVerdict(change))}</td></tr>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mqbench · trends</title>
<style>${style}
tr.worse td:last-child { color: #b00020; font-weight: 600; }
tr.better td:last-child { color: #1b7f3b; }
</style>
</head>
<body>
<header>
<h1>mqbench trends</h1>
<p class="meta">${input.results} results in ${escapeHtml(input.store)} · ${input.series.length} series · ${plural(input.report.changes.length, 'change point')} (E-Divisive means, permutation test)</p>
</header>
<section id="changes">
<h2>Change points</h2>
${rows.length > 0 ? `<table><thead><tr><th>metric</th><th>target</th><th>point</th><th>commits</th><th>first result after</th><th>level</th><th>change</th><th>p</th><th>direction</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>No change point in any series.</p>'}
${input.report.tooShort.length > 0 ? `<p class="legend">${input.report.tooShort.length} series have too few results to look for a change.</p>` : ''}
<p class="legend">A change point is the first result at a new level; the commit range runs from the last result before it. Levels are the medians of the results between neighbouring change points. Each point in the charts is one result: the median over its trials, the band its 95% bootstrap CI.</p>
</section>
<section id="trends"><h2>Series</h2><div class="grid" id="trend-charts"></div></section>
<script id="mqbench-trends" type="application/json">${scriptJson(data)}</script>
<script>${chart}</script>
<script>${client}</script>
</body>
</html>
`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
