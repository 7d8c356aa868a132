/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchChromium, openOffline } from '../testing/browser.js';
import { tempDir } from '../testing/temp-dir.js';
import { findChanges } from './changes.js';
import { HISTORY_VERSION, type HistoryEntry } from './entry.js';
import { seriesOf } from './series.js';
import { noisySeries, step } from './synthetic.js';
import { renderTrendReport } from './trend-report.js';

/** 30 results of two targets: kafka's throughput drops 25 % at the 20th, nats's stays. */
function entries(): HistoryEntry[] {
  const kafka = noisySeries(30, step(50_000, 37_500, 20), 0.04, 1);
  const nats = noisySeries(30, step(80_000, 80_000, 0), 0.04, 3);
  return kafka.map((value, index) => {
    const at = new Date(Date.UTC(2026, 10, 1, index)).toISOString();
    const metrics = (figure: number) => ({ 'throughput.messagesPerSec': { value: figure, ci95: [figure * 0.95, figure * 1.05] as [number, number], trials: [figure, figure, figure] } });
    const entryCase = (target: string, figure: number) => ({ id: `${target}/stream`, target, workload: 'stream', label: '1KiB', status: 'passed', keyMetric: 'throughput.messagesPerSec', metrics: metrics(figure) });
    return { historyVersion: HISTORY_VERSION, resultId: `r${index}`, at, addedAt: at, sha: `${String(index).padStart(3, '0')}${'f'.repeat(37)}`, ref: 'main', dirty: false, machine: 'ci', scenario: 'quick', configHash: 'a'.repeat(64), resultStatus: 'passed', cases: [entryCase('kafka', value), entryCase('nats', nats[index]!)] };
  });
}

test('trends.html opens offline in headless Chromium, draws a chart per series with its change points, and names the commit on hover', async (t) => {
  const series = seriesOf(entries(), { metrics: 'key' });
  const report = findChanges(series);
  assert.deepEqual(report.changes.map((change) => [change.series.target, change.index]), [['kafka', 20]]);
  const file = join(await tempDir(t), 'trends.html');
  await writeFile(file, renderTrendReport({ store: 'mqbench-history', results: 30, series, report }));
  const browser = await launchChromium();
  t.after(() => browser.close());
  const { page, problems, requests } = await openOffline(browser, file);
  await page.waitForFunction(() => typeof (window as unknown as { mqbenchCharts?: number }).mqbenchCharts === 'number');
  const drawn = await page.evaluate(() => {
    type ChartLike = { data: { datasets: Array<{ label: string; data: Array<number | null> }> }; options: { plugins: { tooltip: { callbacks: { title(items: Array<{ dataIndex: number }>): string } } } } };
    const charts = Object.values((window as unknown as { Chart: { instances: Record<string, ChartLike> } }).Chart.instances);
    const painted = [...document.querySelectorAll('canvas')].filter((canvas) => {
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      return pixels.some((value, index) => index % 4 === 3 && value !== 0);
    }).length;
    return {
      charts: charts.length,
      painted,
      marks: charts.map((chart) => chart.data.datasets.find((dataset) => dataset.label === 'change point')!.data.filter((value) => value !== null).length),
      hover: charts[0]!.options.plugins.tooltip.callbacks.title([{ dataIndex: 20 }]),
      rows: document.querySelectorAll('#changes tbody tr').length,
    };
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(requests.filter((url) => !url.startsWith('file:')), [], 'no network requests');
  assert.equal(drawn.charts, 2);
  assert.equal(drawn.painted, 2);
  assert.deepEqual(drawn.marks, [1, 0], 'the change point is marked on kafka, none on nats');
  assert.match(drawn.hover, /^020fffffff \(main\) · 2026-11-01 20:00$/);
  assert.equal(drawn.rows, 1);
  await mkdir('test-artifacts', { recursive: true });
  await page.screenshot({ path: join('test-artifacts', 'trends.png'), fullPage: true });
});
