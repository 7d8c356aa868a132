import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TINY_SCENARIO, tinyRun } from '../testing/tiny-run.js';
import { escapeHtml, renderHtmlReport } from './html.js';
import { buildReportModel } from './model.js';

test('the report is one self-contained file: no external scripts, styles or fetches', async (t) => {
  const { result } = await tinyRun(t);
  const html = renderHtmlReport([result]);
  assert.doesNotMatch(html, /<script[^>]+src=/i);
  assert.doesNotMatch(html, /<link[^>]+href=/i);
  assert.match(html, /Chart\.js v4/, 'Chart.js is inlined');
  assert.match(html, /id="mqbench-data"/);
  assert.match(html, /npx mqbench run tiny\.yaml/, 'the reproduce command is shown');
});

test('the model marks the best value per metric within each parameter point', async (t) => {
  const { result } = await tinyRun(t);
  const model = buildReportModel([result]);
  assert.deepEqual(model.points, ['1KiB×300 random', '256KiB×20 random']);
  assert.deepEqual(model.seriesNames, ['rocksmq', 'rocksmq-sync']);
  for (const point of model.points) {
    const rows = model.rows.filter((row) => row.label === point);
    assert.equal(rows.length, 2);
    const best = rows.flatMap((row) => row.best);
    assert.ok(best.includes('opSeconds.mean'), `one row is best in s/op for ${point}`);
    assert.equal(best.filter((key) => key === 'opSeconds.mean').length, 1);
    const [a, b] = rows.map((row) => row.values['opSeconds.mean']!);
    const winner = rows.find((row) => row.best.includes('opSeconds.mean'))!;
    assert.equal(winner.values['opSeconds.mean'], Math.min(a!, b!));
  }
  assert.ok(model.spectra.some((spectrum) => spectrum.kind === 'e2e' && spectrum.points.length > 5));
  assert.equal(model.timeSeries.length, 4);
});

test('text from result files is escaped, and JSON cannot close the script element', async (t) => {
  const { result } = await tinyRun(t);
  result.manifest.scenario.text = '</script><script>alert(1)</script>';
  result.cases[0]!.failures.push('<b>bold</b>');
  const html = renderHtmlReport([result]);
  assert.doesNotMatch(html, /<script>alert\(1\)<\/script>/);
  assert.match(html, /&lt;b&gt;bold&lt;\/b&gt;/);
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('error bars: with 3 trials or more, each row carries the 95% CI over trials of each metric; with fewer, none', async (t) => {
  const { result: one } = await tinyRun(t);
  assert.ok(buildReportModel([one]).rows.every((row) => Object.keys(row.ci95).length === 0), 'one trial: no error bars');
  const { result: three } = await tinyRun(t, TINY_SCENARIO.replace('seed: 7', 'seed: 7\ntrials: 3'));
  const row = buildReportModel([three]).rows[0]!;
  const [low, high] = row.ci95['opSeconds.mean']!;
  assert.ok(low <= row.values['opSeconds.mean']! && row.values['opSeconds.mean']! <= high, `${low} ≤ median ≤ ${high}`);
  assert.deepEqual(row.ci95['opSeconds.mean'], three.cases[0]!.summary!.trialStats['opSeconds.mean']!.ci95, 'the CI the comparison uses');
});

test('published figures from the scenario stand beside the measured medians, with their ratio; an unmeasured point says so', async (t) => {
  const { result } = await tinyRun(
    t,
    `${TINY_SCENARIO}reference:
  source: "A published table"
  url: https://example.org/table
  metric: opSeconds.mean
  figures:
    - { target: rocksmq, payloadBytes: 1KiB, messages: 300, value: 0.5 }
    - { target: rocksmq-sync, payloadBytes: 256KiB, messages: 20, value: 2 }
    - { target: rocksmq, payloadBytes: 5MiB, messages: 100, value: 3 }
`,
  );
  const [reference] = buildReportModel([result]).references;
  assert.equal(reference?.source, 'A published table');
  const measured = result.cases.find((entry) => entry.target === 'rocksmq' && entry.label === '1KiB×300 random')!.summary!.trialStats['opSeconds.mean']!.median;
  assert.deepEqual(reference!.rows[0], { target: 'rocksmq', point: '1KiB×300 random', published: '0.5', measured: reference!.rows[0]!.measured, ratio: measured / 0.5 });
  assert.equal(reference!.rows[1]!.point, '256KiB×20 random');
  assert.equal(reference!.rows[2]!.measured, 'not measured in this run');
  const html = renderHtmlReport([result]);
  assert.match(html, /<h2>Published figures beside this run<\/h2>/);
  assert.match(html, /<a href="https:\/\/example\.org\/table">A published table<\/a>/);
});
