/**
 * report.html: one self-contained file — Chart.js, the styles, the data and the drawing script are inlined, so it
 * opens offline without a single network request. A pure function of result files.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMetric, METRICS } from '../results/metrics.js';
import type { ResultFile } from '../results/result-file.js';
import type { GateRules } from '../gate/rules.js';
import { durabilityHtml, durabilityRows } from './durability-faults.js';
import { buildReportModel, ERROR_BAR_MIN_TRIALS, measuredMetrics, type ReportModel, type ReportRow } from './model.js';

const here = dirname(fileURLToPath(import.meta.url));
let assets: { chart: string; client: string; style: string } | undefined;

/** The report's inlined assets: Chart.js, the drawing script and the styles (read once). */
export function loadAssets(): { chart: string; client: string; style: string } {
  if (!assets) {
    const chartDir = dirname(createRequire(import.meta.url).resolve('chart.js'));
    assets = {
      chart: readFileSync(join(chartDir, 'chart.umd.min.js'), 'utf8'),
      client: readFileSync(join(here, 'assets', 'client.js'), 'utf8'),
      style: readFileSync(join(here, 'assets', 'style.css'), 'utf8'),
    };
  }
  return assets;
}

/** Escapes text for HTML content and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Renders the HTML report of one or more result files; of two, with their comparison (and gate, given rules). */
export function renderHtmlReport(results: readonly ResultFile[], rules?: GateRules): string {
  const model = buildReportModel(results, rules);
  const { chart, client, style } = loadAssets();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mqbench · ${escapeHtml(model.title)}</title>
<style>${style}</style>
</head>
<body>
<header>
<h1>mqbench report: ${escapeHtml(model.title)}</h1>
${model.runs.map((run) => `<p class="meta"><span class="status ${escapeHtml(run.status)}">${escapeHtml(run.status)}</span> ${escapeHtml(run.scenario)} · ${escapeHtml(run.startedAt)} → ${escapeHtml(run.endedAt ?? 'not finished')}${run.reason ? ` · <span class="note">${escapeHtml(run.reason)}</span>` : ''}</p>`).join('\n')}
</header>
${model.durabilityWarnings.map((warning) => `<p class="banner">⚠ ${escapeHtml(warning)}</p>`).join('\n')}
${model.rankings.length > 0 ? rankingSection(model.rankings) : ''}
${model.references.map((reference) => referenceSection(reference)).join('\n')}
<section id="summary">
<h2>Summary</h2>
${[...new Set(model.rows.map((row) => row.workload))].map((workload) => compactTable(model, workload)).join('\n')}
<details id="all-metrics"><summary>Every metric of every case (${METRICS.length} metrics)</summary>
${summaryTable(model)}
</details>
<p class="legend">★ best value per metric among the targets of the same parameter point. Every figure is the median over trials of each trial's own value (a trial's latency percentiles come from its HDR histogram); the comparison gives the 95% bootstrap CI. The spectra merge the trials' histograms. Every trial runs in its own worker process; for embedded targets (broker inside that process) the client's CPU and memory are broker+client; where no broker process was known (external endpoints) the broker's are not measured. Payloads: ${escapeHtml(model.runs.flatMap((run) => run.payloads).join('; ') || '–')}.</p>
</section>
${durabilityRows(results).length > 0 ? durabilityHtml(durabilityRows(results), escapeHtml) : ''}
${model.comparison ? comparisonSection(model.comparison) : ''}
<section id="bars"><h2>Comparison by metric</h2><p class="legend">Bars are medians over trials; with ${ERROR_BAR_MIN_TRIALS} or more trials, the whiskers are their 95% bootstrap CI.</p><div class="grid" id="bar-charts"></div></section>
<section id="spectrum"><h2>Latency percentile spectrum</h2><div class="grid" id="spectrum-charts"></div></section>
${model.vectorSeries.length > 0 ? '<section id="vector"><h2>Search latency vs ingest rate</h2><div class="grid" id="vector-charts"></div></section>' : ''}
<section id="timeseries"><h2>Time series (last measured trial of each case)</h2><div id="timeseries-charts"></div></section>
${model.runs.map((run, index) => runSection(run, index, model.runs.length > 1)).join('\n')}
<script>${chart}</script>
<script type="application/json" id="mqbench-data">${scriptJson(model)}</script>
<script>${client}</script>
</body>
</html>
`;
}

/** Which target is ahead at each point, by how much, and how sure: the first thing a reader choosing a broker wants. */
function rankingSection(rankings: ReportModel['rankings']): string {
  const rows = rankings.flatMap((ranking) =>
    ranking.targets.map((entry, index) => {
      const ci = entry.ci95 ? `${entry.ci95[0].toFixed(2)}–${entry.ci95[1].toFixed(2)}` : index === 0 ? '' : 'one trial';
      const verdict = index === 0 ? 'best' : entry.significant === false ? 'not shown to differ' : entry.significant === null ? '–' : 'behind';
      const head = index === 0 ? `<td class="text" rowspan="${ranking.targets.length}">${escapeHtml(ranking.point)}<br><small>${escapeHtml(ranking.metric)} (${escapeHtml(ranking.better)} is better)</small></td>` : '';
      return `<tr class="${index === 0 ? 'group-start' : ''}">${head}<td class="text">${escapeHtml(entry.target)}</td><td>${Number(entry.value.toPrecision(4))} ${escapeHtml(ranking.unit)}</td><td>${index === 0 ? '1' : `${entry.ratio.toFixed(2)}×`}</td><td>${escapeHtml(ci)}</td><td class="text">${verdict}</td></tr>`;
    }),
  );
  return `<section id="ranking">
<h2>Ranking per point</h2>
<p class="legend">Each target's key figure (the median over trials) ÷ the best's at the same point, with the 95% bootstrap CI of that ratio over trials. "Not shown to differ": the CI includes 1.</p>
<table><thead><tr><th class="text">point</th><th class="text">target</th><th>value</th><th>÷ best</th><th>95% CI</th><th class="text">verdict</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
</section>`;
}

/** The published figures the scenario reproduces, each beside this run's measured median. */
function referenceSection(reference: ReportModel['references'][number]): string {
  const rows = reference.rows.map(
    (row) =>
      `<tr><td class="text">${escapeHtml(row.point)}</td><td class="text">${escapeHtml(row.target)}</td><td>${escapeHtml(row.published)}</td><td>${escapeHtml(row.measured)}</td><td>${row.ratio === null ? '–' : `${row.ratio.toFixed(2)}×`}</td></tr>`,
  );
  const source = reference.url ? `<a href="${escapeHtml(reference.url)}">${escapeHtml(reference.source)}</a>` : escapeHtml(reference.source);
  return `<section id="reference">
<h2>Published figures beside this run</h2>
<p class="legend">${source}${reference.machine ? `, measured on ${escapeHtml(reference.machine)}` : ''}. Metric: ${escapeHtml(reference.metric)}. Measured: this run's median over trials. Another machine gives other absolute figures: compare the order and the ratios between targets, not the values.</p>
<table><thead><tr><th class="text">point</th><th class="text">target</th><th>published</th><th>measured</th><th>measured ÷ published</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
</section>`;
}

/** The rows of one workload type with only the metrics it measures, delivery verification first: the first screen. */
function compactTable(model: ReportModel, workload: string): string {
  const rows = model.rows.filter((row) => row.workload === workload);
  const metrics = measuredMetrics(rows);
  const header = ['target', 'point', 'verdict', ...metrics.map((metric) => metric.label)];
  let previousLabel = '';
  const body = rows
    .map((row) => {
      const groupStart = row.label !== previousLabel;
      previousLabel = row.label;
      const cells = metrics
        .map((metric) => {
          const ci = row.ci95[metric.key];
          const title = ci ? ` title="95% CI over trials: ${escapeHtml(formatMetric(metric, ci[0]))}–${escapeHtml(formatMetric(metric, ci[1]))}"` : '';
          return `<td class="num${row.best.includes(metric.key) ? ' best' : ''}"${title}>${escapeHtml(row.formatted[metric.key] ?? '–')}</td>`;
        })
        .join('');
      const note = row.note ? `<br><span class="note">${escapeHtml(row.note)}</span>` : '';
      const scope = row.scope === 'shared' ? ' <small>(embedded)</small>' : row.scope === 'client-only' ? ' <small>(broker not measured)</small>' : '';
      return `<tr class="${groupStart ? 'group-start' : ''}"><td class="text">${escapeHtml(row.series)}${scope}</td><td class="text">${escapeHtml(row.label)}</td><td class="text" title="${escapeHtml(row.deliveryDetail)}"><span class="status ${escapeHtml(row.status)}">${escapeHtml(row.status)}</span> ${escapeHtml(row.delivery)}${note}</td>${cells}</tr>`;
    })
    .join('\n');
  return `<h3>${escapeHtml(workload)}</h3>
<p class="legend">verdict: the case's status, then messages delivered intact / acknowledged by the broker (✓: none lost, corrupt, duplicated or out of order; hover for every count).</p>
<div class="scroll"><table class="compact"><thead><tr>${header.map((cell, index) => `<th class="${index < 3 ? 'text' : ''}">${escapeHtml(cell)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function summaryTable(model: ReportModel): string {
  const header = ['target', 'point', 'status', ...METRICS.map((metric) => metric.label), 'delivery', 'harness loop p99 ms'];
  let previousLabel = '';
  const body = model.rows
    .map((row: ReportRow) => {
      const groupStart = row.label !== previousLabel;
      previousLabel = row.label;
      const cells = METRICS.map((metric) => {
        const best = row.best.includes(metric.key) ? ' best' : '';
        const value = row.formatted[metric.key] ?? formatMetric(metric, null);
        const shared = row.scope === 'shared' && metric.key.endsWith('.client') && value !== '–' ? ' title="broker+client (embedded)"' : '';
        return `<td class="num${best}"${shared}>${escapeHtml(value)}</td>`;
      }).join('');
      const note = row.note ? `<br><span class="note">${escapeHtml(row.note)}</span>` : '';
      return `<tr class="${groupStart ? 'group-start' : ''}"><td class="text">${escapeHtml(row.series)}${row.scope === 'shared' ? ' <small>(embedded)</small>' : row.scope === 'client-only' ? ' <small>(broker not measured)</small>' : ''}</td><td class="text">${escapeHtml(row.label)}</td><td class="text"><span class="status ${escapeHtml(row.status)}">${escapeHtml(row.status)}</span>${note}</td>${cells}<td class="text" title="${escapeHtml(row.deliveryDetail)}">${escapeHtml(row.delivery)}</td><td>${row.loopDelayP99 === null ? '–' : row.loopDelayP99.toFixed(1)}</td></tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table><thead><tr>${header.map((cell, index) => `<th class="${index < 3 ? 'text' : ''}">${escapeHtml(cell)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function comparisonSection(comparison: NonNullable<ReportModel['comparison']>): string {
  const pct = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(1)}%` : '–');
  const gate = comparison.gate
    ? `<h3>Gate</h3><div class="scroll"><table><thead><tr><th class="text">status</th><th class="text">rule</th><th class="text">case</th><th class="text">measured</th></tr></thead><tbody>${comparison.gate
        .map(
          (result) =>
            `<tr><td class="text"><span class="status ${result.status === 'pass' ? 'passed' : result.status === 'fail' ? 'failed' : 'incomplete'}">${escapeHtml(result.status)}</span></td><td class="text"><code>${escapeHtml(result.rule)}</code></td><td class="text">${escapeHtml(result.caseLabel)}</td><td class="text wrap">${escapeHtml(result.detail)}${result.warnings.map((warning) => `<br><span class="note">⚠ ${escapeHtml(warning)}</span>`).join('')}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  const rows = comparison.rows
    .map(
      (row) =>
        `<tr><td class="text">${escapeHtml(row.caseLabel)}</td><td class="text">${escapeHtml(row.metric)}</td><td>${escapeHtml(row.baseline)}</td><td>${escapeHtml(row.candidate)}</td><td>${pct(row.changePct)}</td><td>${pct(row.ciPct[0])} … ${pct(row.ciPct[1])}</td><td>±${row.noisePct.toFixed(1)}%</td><td>${row.pValue === null ? '–' : row.pValue.toPrecision(2)}</td><td class="text"><span class="status ${row.verdict === 'worse' ? 'failed' : row.verdict === 'better' ? 'passed' : 'incomplete'}">${escapeHtml(row.verdict)}</span></td></tr>`,
    )
    .join('');
  return `<section id="comparison">
<h2>Baseline → candidate</h2>
<p class="meta">baseline: ${escapeHtml(comparison.baseline)} · candidate: ${escapeHtml(comparison.candidate)}${comparison.sameConfiguration ? '' : ' · <span class="note">the two runs measured different configurations</span>'}${comparison.conditions.map((note) => ` · <span class="note">${escapeHtml(note)}</span>`).join('')}</p>
${gate}
<h3>Change per metric (median over trials; 95% bootstrap CI of the ratio; noise band = ±2 × the larger coefficient of variation)</h3>
<div class="grid" id="comparison-charts"></div>
<div class="scroll"><table><thead><tr><th class="text">case</th><th class="text">metric</th><th>baseline</th><th>candidate</th><th>change</th><th>95% CI</th><th>noise band</th><th>p</th><th class="text">verdict</th></tr></thead><tbody>${rows}</tbody></table></div>
${comparison.unmatched.map((line) => `<p class="note">${escapeHtml(line)}</p>`).join('')}
</section>`;
}

function runSection(run: ReportModel['runs'][number], index: number, numbered: boolean): string {
  const suffix = numbered ? ` (run ${index + 1}: ${escapeHtml(run.scenario)})` : '';
  const targets = run.targets
    .map(
      (target) =>
        `<tr><td class="text">${escapeHtml(target.name)}</td><td class="text">${escapeHtml(target.type)}</td><td class="text">${escapeHtml(target.provider)}</td><td class="text">${escapeHtml(target.broker)}</td><td class="text">${escapeHtml(target.client)}</td><td class="text">${escapeHtml(target.durability)}${target.notes.length > 0 ? `<br><small>${escapeHtml(target.notes.join('; '))}</small>` : ''}</td></tr>`,
    )
    .join('');
  return `<section class="run">
<h2>Reproduce${suffix}</h2>
<pre>${escapeHtml(run.command)}</pre>
<h3>Targets as they ran</h3>
<div class="scroll"><table><thead><tr><th class="text">name</th><th class="text">type</th><th class="text">provider</th><th class="text">broker</th><th class="text">client</th><th class="text">durability</th></tr></thead><tbody>${targets}</tbody></table></div>
<details><summary>Scenario file</summary><pre>${escapeHtml(run.scenarioText)}</pre></details>
<details><summary>Manifest</summary><pre>${escapeHtml(JSON.stringify(run.manifest, null, 2))}</pre></details>
</section>`;
}
