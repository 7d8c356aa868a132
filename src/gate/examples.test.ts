import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../install/cache.js';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { tinyRun } from '../testing/tiny-run.js';
import { evaluateGate } from './evaluate.js';
import { loadGateRules } from './rules.js';

test('the example gate rules guard correctness absolutely and speed by significant regressions, with the defaults they declare', async () => {
  const { rules } = await loadGateRules('examples/gates.yaml');
  const shown = rules.map((rule) => (rule.kind === 'absolute' ? `${rule.metricKey} ${rule.operator} ${rule.threshold}` : `${rule.metricKey} regress < ${rule.thresholdPct}% (alpha ${rule.alpha}, ${rule.minTrials} trials)`));
  assert.deepEqual(shown.sort(), [
    'delivery.corrupt == 0',
    'delivery.lost == 0',
    'e2eLatencyMs.p50 regress < 15% (alpha 0.05, 5 trials)',
    'e2eLatencyMs.p99 < 500',
    'opSeconds.mean regress < 15% (alpha 0.05, 5 trials)',
    'throughput.messagesPerSec regress < 15% (alpha 0.05, 5 trials)',
  ]);
});

test('the example GitHub Actions workflow measures baseline and candidate in one job and gates with mqbench compare', async () => {
  const workflow = parse(await readFile('examples/github-actions.yml', 'utf8')) as { jobs: Record<string, { steps: Array<{ run?: string }> }> };
  const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.run ?? '')).join('\n');
  assert.match(runs, /mqbench run .*--out \.\.\/runs\/baseline/);
  assert.match(runs, /mqbench run .*--out \.\.\/runs\/candidate/);
  assert.match(runs, /mqbench compare \.\.\/runs\/baseline\/result\.json \.\.\/runs\/candidate\/result\.json[\s\S]*--gates examples\/gates\.yaml[\s\S]*--markdown "\$GITHUB_STEP_SUMMARY"[\s\S]*--junit/);
});

test('the example workflow keeps the comparison report when the gate fails, and its rules all apply to its scenario', async (t) => {
  const workflow = parse(await readFile('examples/github-actions.yml', 'utf8')) as { jobs: Record<string, { env?: Record<string, string>; steps: Array<{ run?: string; if?: string }> }> };
  const [job] = Object.values(workflow.jobs);
  const gate = job!.steps.findIndex((step) => /mqbench compare/.test(step.run ?? ''));
  const report = job!.steps.findIndex((step) => /mqbench report/.test(step.run ?? ''));
  assert.ok(report > gate && !/mqbench compare/.test(job!.steps[report]!.run!), 'the report is a step of its own, after the gate');
  assert.equal(job!.steps[report]!.if, 'always()', 'it runs after a failing gate (exit 3) too');
  assert.match(job!.steps[gate]!.run!, /--strict/);
  // The example scenario's shape (pub/sub on rocksmq), small, with minTrials trials: compared with itself, every
  // rule finds its case and passes, so an unchanged run passes --strict.
  const example = parse(await readFile(job!.env!.SCENARIO!, 'utf8')) as { name: string; targets: unknown[]; workload: { type: string } };
  const small = { name: example.name, targets: example.targets, trials: 5, workload: { type: example.workload.type, payloadBytes: '1KiB', messages: 200, operations: 2 } };
  const { result } = await tinyRun(t, stringify(small));
  const rules = await loadGateRules('examples/gates.yaml');
  const outcome = evaluateGate(rules, result.cases.map((entry) => ({ key: entry.id, baseline: entry, candidate: entry })));
  assert.deepEqual(outcome.results.filter((entry) => entry.status !== 'pass').map((entry) => `${entry.rule.metricKey}: ${entry.detail}`), []);
});

test('both example workflows pass actionlint, the linter of GitHub Actions workflows', () => {
  const actionlint = join(cacheDir(), 'tools', 'actionlint');
  assert.ok(existsSync(actionlint), `actionlint is not installed at ${actionlint}: run "npm run setup"`);
  // Exit 0 and no output: no finding. A finding exits 1 with the file, line and rule.
  assert.equal(execFileSync(actionlint, ['-no-color', 'examples/github-actions.yml', 'examples/github-actions-history.yml'], { encoding: 'utf8' }), '');
});

test('the history workflow adds each main-branch result, keeps the store before the drift check, and draws the trends whatever it says', async () => {
  const workflow = parse(await readFile('examples/github-actions-history.yml', 'utf8')) as { on: { push: { branches: string[] } }; jobs: Record<string, { steps: Array<{ run?: string; if?: string }> }> };
  assert.deepEqual(workflow.on.push.branches, ['main']);
  const steps = Object.values(workflow.jobs)[0]!.steps;
  const index = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step.run ?? ''));
  const [run, add, push, report, changes] = [index(/mqbench run/), index(/mqbench history add/), index(/git push/), index(/mqbench history report/), index(/mqbench history changes/)] as const;
  assert.ok(run >= 0 && run < add && add < push && push < changes, 'run, add, keep the store, then check');
  assert.match(steps[add]!.run!, /--store \.\.\/history\/results[\s\S]*--sha "\$GITHUB_SHA"[\s\S]*--machine/);
  assert.equal(steps[report]!.if, 'always()');
  assert.match(steps[changes]!.run!, /--recent 5[\s\S]*--markdown "\$GITHUB_STEP_SUMMARY"/);
  assert.equal(steps[changes]!.if, undefined, 'the drift check fails the job (exit 3)');
});
