/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { tinyRun } from '../testing/tiny-run.js';

const executablePath = process.env.MQBENCH_CHROMIUM ?? '/usr/bin/chromium';

test('report.html opens offline in headless Chromium, draws every chart, and logs no errors', async (t) => {
  assert.ok(existsSync(executablePath), `Chromium not found at ${executablePath}: run "npm run setup" (installs Debian's chromium) or set MQBENCH_CHROMIUM`);
  const { outDir } = await tinyRun(t);
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(join(outDir, 'report.html')).href);
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
      rows: document.querySelectorAll('#summary tbody tr').length,
    };
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(requests.filter((url) => !url.startsWith('file:')), [], 'no network requests');
  assert.equal(drawn.rows, 4);
  // 12 metric bar charts at most (client metrics are absent for embedded targets), 2 spectra, 3 per case time series.
  assert.ok(drawn.charts >= 2 + 4 * 3 + 6, `charts: ${JSON.stringify(drawn)}`);
  assert.equal(drawn.instances, drawn.charts);
  assert.equal(drawn.painted, drawn.canvases, 'every canvas has pixels drawn');

  const artifacts = join('test-artifacts');
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
});
