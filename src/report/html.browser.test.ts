/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { launchChromium, openOffline } from '../testing/browser.js';
import { parseGateRules } from '../gate/rules.js';
import { tempDir } from '../testing/temp-dir.js';
import { TINY_SCENARIO, tinyRun } from '../testing/tiny-run.js';
import { renderHtmlReport } from './html.js';

/** Opens `file` offline and returns what was drawn, failing on console errors or network requests. */
async function openReport(browser: Browser, file: string, screenshot: string) {
  const { page, problems, requests } = await openOffline(browser, file);
  await page.waitForFunction(() => typeof (window as unknown as { mqbenchCharts?: number }).mqbenchCharts === 'number');

  const drawn = await page.evaluate(() => {
    const canvases = [...document.querySelectorAll('canvas')];
    const painted = canvases.filter((canvas) => {
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0 || canvas.height === 0) return false;
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
      return false;
    });
    const chartGlobal = (window as unknown as { Chart: { instances: Record<string, unknown> } }).Chart;
    return {
      charts: (window as unknown as { mqbenchCharts: number }).mqbenchCharts,
      instances: Object.keys(chartGlobal.instances).length,
      canvases: canvases.length,
      painted: painted.length,
      rows: document.querySelectorAll('#summary table.compact tbody tr').length,
      allMetricRows: document.querySelectorAll('#all-metrics tbody tr').length,
      compactHeader: [...document.querySelectorAll('#summary table.compact thead th')].map((cell) => cell.textContent),
      comparisonCharts: document.querySelectorAll('#comparison-charts canvas').length,
      gateRows: document.querySelectorAll('#comparison table')[0]?.querySelectorAll('tbody tr').length ?? 0,
    };
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(requests.filter((url) => !url.startsWith('file:')), [], 'no network requests');
  assert.equal(drawn.instances, drawn.charts);
  assert.equal(drawn.painted, drawn.canvases, 'every canvas has pixels drawn');
  await mkdir('test-artifacts', { recursive: true });
  await page.screenshot({ path: join('test-artifacts', screenshot), fullPage: true });
  return drawn;
}

test('report.html opens offline in headless Chromium, draws every chart, and logs no errors', async (t) => {
  const { outDir } = await tinyRun(t);
  const browser = await launchChromium();
  t.after(() => browser.close());
  const drawn = await openReport(browser, join(outDir, 'report.html'), 'report.png');
  assert.equal(drawn.rows, 4, 'the compact table: one row per case');
  assert.equal(drawn.allMetricRows, 4, 'every metric, behind a toggle');
  assert.deepEqual(drawn.compactHeader.slice(0, 3), ['target', 'point', 'verdict'], 'delivery verification comes first');
  assert.ok(!drawn.compactHeader.includes('broker CPU s'), `only what the workload measured (an embedded target has no broker figures): ${drawn.compactHeader.join(', ')}`);
  // 12 metric bar charts at most (broker metrics are absent for embedded targets), 2 spectra, 3 per case time series.
  assert.ok(drawn.charts >= 2 + 4 * 3 + 6, `charts: ${JSON.stringify(drawn)}`);
});

test('a comparison report of two runs shows the gate and each case\'s changes with CIs and noise bands', async (t) => {
  const threeTrials = TINY_SCENARIO.replace('seed: 7', 'seed: 7\ntrials: 3');
  const [{ result: baseline }, { result: candidate }] = [await tinyRun(t, threeTrials), await tinyRun(t, threeTrials)];
  const rules = parseGateRules('delivery: ["lost == 0"]\nthroughput: ["messagesPerSec regress < 50%"]\n', 'gates.yaml');
  const file = join(await tempDir(t), 'comparison.html');
  await writeFile(file, renderHtmlReport([baseline, candidate], rules));
  const browser = await launchChromium();
  t.after(() => browser.close());
  const drawn = await openReport(browser, file, 'comparison.png');
  assert.equal(drawn.comparisonCharts, 4, 'one change chart per matched case');
  assert.equal(drawn.gateRows, 8, 'two rules × four cases');
});
