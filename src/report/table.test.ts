import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateGate } from '../gate/evaluate.js';
import { parseGateRules } from '../gate/rules.js';
import { headlineValue, METRICS } from '../results/metrics.js';
import { toBencher } from '../results/export.js';
import type { CaseSummary } from '../results/summary.js';
import { summarizeTrials } from '../results/summary.js';
import { tinyRun } from '../testing/tiny-run.js';
import { renderHtmlReport } from './html.js';
import { renderSummaryTable } from './table.js';

const read = (summary: CaseSummary, key: string) => METRICS.find((metric) => metric.key === key)!.read(summary);

test("resource figures keep the name the result stores: an embedded target's one process is the client (*), an unmeasured broker stays empty (†)", async (t) => {
  const { result } = await tinyRun(t, 'name: scopes\ntargets: [rocksmq]\nworkload: { type: pubsub, messages: 50, operations: 1 }\nwarmup: { operations: 0 }\n');
  const entry = result.cases[0]!;
  const summary = entry.summary!;
  assert.equal(summary.resourceScope, 'shared');
  assert.equal(read(summary, 'cpuSeconds.broker'), null, 'no broker figure: the broker was not measured apart');
  assert.ok(read(summary, 'cpuSeconds.client')! > 0 && read(summary, 'peakRssBytes.client')! > 0, 'the shared process is the client, as stored');
  const outcome = evaluateGate(parseGateRules('cpuSeconds: ["client < 100000"]\n', 'gates.yaml'), [{ key: entry.id, baseline: entry, candidate: entry }]);
  assert.equal(outcome.results[0]?.status, 'pass', 'a gate on the client figure reads it');
  assert.match(renderSummaryTable(result), /^rocksmq\* /m);
  assert.match(renderSummaryTable(result), /\* embedded target: the broker runs in the trial's worker process, so the client figures are broker\+client/);

  // A server target with no broker process known (an external endpoint): the client alone.
  const external = structuredClone(result);
  const trials = external.cases[0]!.trials;
  for (const trial of trials) trial.resources!.scope = 'client-only';
  external.cases[0]!.summary = summarizeTrials(trials);
  assert.equal(external.cases[0]!.summary!.resourceScope, 'client-only');
  assert.equal(read(external.cases[0]!.summary!, 'peakRssBytes.broker'), null);
  const table = renderSummaryTable(external);
  assert.match(table, /^rocksmq† /m);
  assert.match(table, /† broker not measured/);
  assert.doesNotMatch(table, /embedded target/);
});

test("one statistic everywhere: the table, the exports and absolute gates show the median over trials of each trial's value, as compare tests", async (t) => {
  const { result } = await tinyRun(t, 'name: one-statistic\ntrials: 3\ntargets: [rocksmq]\nworkload: { type: pubsub, messages: 20, operations: 2 }\nwarmup: { operations: 0 }\n');
  const entry = result.cases[0]!;
  // Operations of 1, 2 and 9 s per trial: the pooled mean is 4 s, the median of the trials' means 2 s.
  entry.trials.forEach((trial, index) => (trial.measured!.opSeconds = [[1, 1], [2, 2], [9, 9]][index]!));
  entry.summary = summarizeTrials(entry.trials);
  assert.equal(entry.summary!.opSeconds!.mean, 4, 'the pooled mean stays in the summary under its own name');
  assert.equal(read(entry.summary!, 'opSeconds.mean'), 4);
  assert.equal(headlineValue(entry.summary!, METRICS.find((metric) => metric.key === 'opSeconds.mean')!), 2);
  const row = renderSummaryTable(result).split('\n').find((line) => line.startsWith('rocksmq'))!;
  assert.match(row, /passed\s+2\s/, `the table's s/op is 2: ${row}`);
  assert.match(renderSummaryTable(result), /figures: the median over trials of each trial's value/);
  const bencher = toBencher(result)[entry.id]!['opSeconds.mean']!;
  assert.equal(bencher.value, 2);
  assert.ok(bencher.lower_value! <= bencher.value && bencher.value <= bencher.upper_value!, 'the value lies in its own interval');
  const outcome = evaluateGate(parseGateRules('opSeconds: ["mean < 3"]\n', 'gates.yaml'), [{ key: entry.id, baseline: entry, candidate: entry }]);
  assert.equal(outcome.results[0]?.status, 'pass', 'an absolute rule reads the same figure');
});

test("targets that acknowledge at different durabilities are flagged, with the setting that would match them", async (t) => {
  // The tiny scenario: rocksmq (acknowledged from the page cache) beside rocksmq with sync: true (fsync per batch).
  const { result } = await tinyRun(t);
  assert.equal(result.manifest.targets['rocksmq-sync']?.driver?.durability.fsyncBeforeAck, true);
  assert.equal(result.manifest.targets.rocksmq?.driver?.durability.fsyncBeforeAck, false);
  const warning = /durability differs: rocksmq-sync acknowledges a send after an fsync, rocksmq from the OS page cache\. To compare like with like, set rocksmq: settings\.sync: true/;
  assert.match(renderSummaryTable(result), new RegExp(`^! ${warning.source}`, 'm'));
  assert.match(renderHtmlReport([result]), new RegExp(`<p class="banner">⚠ ${warning.source}`));
  // Alike: no warning.
  const { result: alike } = await tinyRun(t, 'name: alike\ntargets: [rocksmq]\nworkload: { type: pubsub, messages: 20, operations: 1 }\nwarmup: { operations: 0 }\n');
  assert.doesNotMatch(renderSummaryTable(alike), /durability differs/);
});
