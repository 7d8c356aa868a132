import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ResultFile } from '../results/result-file.js';
import { runCli } from '../testing/cli.js';
import { useFakeTarget } from '../testing/fake-target.js';
import { tempDir } from '../testing/temp-dir.js';
import { validateJunit } from '../testing/junit-schema.js';
import { tinyRun } from '../testing/tiny-run.js';
import { matchCases } from './compare.js';
import { evaluateGate } from './evaluate.js';
import { parseGateRules } from './rules.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

const scenario = (trials: number) => `
name: gated
trials: ${trials}
targets: [{ name: f, type: fake, settings: { sendDelayMs: 1 } }]
workload: { type: pubsub, operations: 2, messages: 50, payloadBytes: 1KiB }
warmup: { operations: 0 }
`;

// p50 of the fake target's end-to-end latency varies by ~3% between trials; its p99 (of 100 samples) by ~40%, too
// noisy for a 10% threshold — the gate would rightly call a 50% change not significant, and warn about the threshold.
const GATES = `e2eLatencyMs: ["p50 regress < 10% (alpha 0.05, minTrials 5)"]
delivery: ["lost == 0", "corrupt == 0"]
`;

/** A copy of `result` whose per-trial median end-to-end latencies (and summaries) are `factor` times worse. */
function slower(result: ResultFile, factor: number): ResultFile {
  const copy = structuredClone(result);
  for (const entry of copy.cases) {
    const stats = entry.summary!.trialStats['e2eLatencyMs.p50']!;
    stats.values = stats.values.map((value) => value * factor);
    stats.median *= factor;
    entry.summary!.e2eLatencyMs.p50 *= factor;
  }
  return copy;
}

test('the gate passes a run compared with a rerun of itself, and fails a 50% slower one naming the rule', async (t) => {
  const { result: baseline } = await tinyRun(t, scenario(6));
  const { result: rerun } = await tinyRun(t, scenario(6));
  const rules = parseGateRules(GATES, 'gates.yaml');
  const same = evaluateGate(rules, matchCases(baseline, rerun).matches);
  assert.equal(same.failed, 0, JSON.stringify(same.results.map((result) => result.detail)));

  const worse = evaluateGate(rules, matchCases(baseline, slower(baseline, 1.5)).matches);
  assert.equal(worse.failed, 1);
  const failure = worse.results.find((result) => result.status === 'fail')!;
  assert.equal(failure.rule.text, 'p50 regress < 10% (alpha 0.05, minTrials 5)');
  assert.match(failure.detail, /^e2eLatencyMs\.p50: \+50\.0%/);
});

test('mqbench compare: exit 3 on a regression, 4 when inconclusive under --strict, 2 for bad rules; Markdown and JUnit', async (t) => {
  const dir = await tempDir(t);
  const { result } = await tinyRun(t, scenario(6));
  const base = join(dir, 'base.json');
  const worse = join(dir, 'worse.json');
  await writeFile(base, JSON.stringify(result));
  await writeFile(worse, JSON.stringify(slower(result, 2)));
  const gates = join(dir, 'gates.yaml');
  await writeFile(gates, GATES);
  const env = { MQBENCH_PLUGINS: 'src/testing/fake-plugin.ts' };

  const markdown = join(dir, 'summary.md');
  const junit = join(dir, 'junit.xml');
  const failed = await runCli(['compare', base, worse, '--gates', gates, '--markdown', markdown, '--junit', junit], { env });
  assert.equal(failed.code, 3, failed.stderr);
  assert.match(failed.stdout, /gate: FAILED/);
  assert.match(failed.stdout, /fail\s+e2eLatencyMs: p50 regress < 10% \(alpha 0\.05, minTrials 5\)/);
  assert.match(await readFile(markdown, 'utf8'), /❌ \| `e2eLatencyMs: p50 regress < 10% \(alpha 0\.05, minTrials 5\)`/);
  const xml = await readFile(junit, 'utf8');
  assert.match(xml, /<testsuite name="[^"]*" tests="3" failures="1" errors="0" skipped="0" time="0">/);
  assert.match(xml, /<failure message="e2eLatencyMs\.p50: \+100\.0%/);
  assert.equal(await validateJunit(junit), 'valid', "Maven Surefire's JUnit schema accepts it");
  // The validator does reject what the schema does not allow (the output before errors= was written).
  const withoutErrors = join(dir, 'no-errors.xml');
  await writeFile(withoutErrors, xml.replace(' errors="0"', ''));
  await assert.rejects(validateJunit(withoutErrors), /errors/);

  const passed = await runCli(['compare', base, base, '--gates', gates], { env });
  assert.equal(passed.code, 0, passed.stdout);

  const strictGates = join(dir, 'strict.yaml');
  await writeFile(strictGates, 'e2eLatencyMs: ["p50 regress < 10% (minTrials 10)"]\n');
  const skippedJunit = join(dir, 'skipped.xml');
  const inconclusive = await runCli(['compare', base, worse, '--gates', strictGates, '--strict', '--junit', skippedJunit], { env });
  assert.equal(inconclusive.code, 4, inconclusive.stdout);
  assert.match(inconclusive.stdout, /inconclusive .*fewer than minTrials 10/);
  assert.match(await readFile(skippedJunit, 'utf8'), /<skipped message="inconclusive: /);
  assert.equal(await validateJunit(skippedJunit), 'valid');

  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, 'throughput: ["msgs go brrr"]\nlatency: ["p99 < 1"]\n');
  const invalid = await runCli(['compare', base, worse, '--gates', bad], { env });
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /invalid input \(2 problems\)/);
  assert.match(invalid.stderr, /bad\.yaml:1:\d+: throughput\[0\]: "msgs go brrr" is not a rule/);
  assert.match(invalid.stderr, /bad\.yaml:2:\d+: latency: unknown metric group "latency"/);
});

test('runs of different configurations are refused unless allowed', async (t) => {
  const dir = await tempDir(t);
  const { result } = await tinyRun(t, scenario(1));
  const other = structuredClone(result);
  other.manifest.configHash = 'f'.repeat(64);
  await writeFile(join(dir, 'a.json'), JSON.stringify(result));
  await writeFile(join(dir, 'b.json'), JSON.stringify(other));
  const env = { MQBENCH_PLUGINS: 'src/testing/fake-plugin.ts' };
  const refused = await runCli(['compare', join(dir, 'a.json'), join(dir, 'b.json')], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /measures a different configuration .*--allow-config-mismatch/);
  const allowed = await runCli(['compare', join(dir, 'a.json'), join(dir, 'b.json'), '--allow-config-mismatch'], { env });
  assert.equal(allowed.code, 0);
  assert.doesNotMatch(allowed.stdout, /memory allocators/);
});

test('runs whose processes had different allocators are compared, with a note saying so', async (t) => {
  const dir = await tempDir(t);
  const { result } = await tinyRun(t, scenario(1));
  const [glibc, jemalloc] = [structuredClone(result), structuredClone(result)];
  glibc.manifest.allocator = "the system's malloc: asked for (--allocator system or MQBENCH_ALLOCATOR=system)";
  jemalloc.manifest.allocator = "jemalloc (/usr/lib/x86_64-linux-gnu/libjemalloc.so.2), preloaded into every trial's and load client's process";
  await writeFile(join(dir, 'a.json'), JSON.stringify(glibc));
  await writeFile(join(dir, 'b.json'), JSON.stringify(jemalloc));
  const env = { MQBENCH_PLUGINS: 'src/testing/fake-plugin.ts' };
  const compared = await runCli(['compare', join(dir, 'a.json'), join(dir, 'b.json')], { env });
  assert.equal(compared.code, 0, compared.stderr);
  assert.match(compared.stdout, /note: the runs' processes had different memory allocators \(baseline: the system's malloc: .*; candidate: jemalloc \(/);
  const html = join(dir, 'comparison.html');
  const report = await runCli(['report', join(dir, 'a.json'), join(dir, 'b.json'), '-o', html], { env });
  assert.equal(report.code, 0, report.stderr);
  assert.match(await readFile(html, 'utf8'), /<span class="note">the runs&#39; processes had different memory allocators/);
});

test('exports: Bencher Metric Format and github-action-benchmark custom formats', async (t) => {
  const dir = await tempDir(t);
  const { result } = await tinyRun(t, scenario(3));
  const file = join(dir, 'result.json');
  await writeFile(file, JSON.stringify(result));
  const env = { MQBENCH_PLUGINS: 'src/testing/fake-plugin.ts' };
  const bencher = JSON.parse((await runCli(['export', file, '--format', 'bencher'], { env })).stdout) as Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>>;
  const measure = bencher[result.cases[0]!.id]!['e2eLatencyMs.p99']!;
  assert.ok(measure.value > 0 && measure.lower_value! <= measure.upper_value!);
  const smaller = JSON.parse((await runCli(['export', file, '--format', 'gab-smaller'], { env })).stdout) as Array<{ name: string; unit: string; value: number }>;
  assert.ok(smaller.some((entry) => entry.name.endsWith('e2e p99') && entry.unit === 'ms'));
  const bigger = JSON.parse((await runCli(['export', file, '--format', 'gab-bigger'], { env })).stdout) as Array<{ name: string }>;
  assert.ok(bigger.some((entry) => entry.name.endsWith('msg/s')));
  assert.equal((await runCli(['export', file, '--format', 'csv'], { env })).code, 2);
});

test('mqbench reproduce reruns the embedded scenario with its overrides and compares with the original', async (t) => {
  const dir = await tempDir(t);
  const scenarioPath = join(dir, 'tiny.yaml');
  await writeFile(scenarioPath, 'name: repro\ntargets: [rocksmq]\nworkload: { type: pubsub, operations: 2, messages: 100 }\n');
  const original = join(dir, 'original');
  const first = await runCli(['run', scenarioPath, '--out', original, '--set', 'workload.messages=150', '--trials', '2']);
  assert.equal(first.code, 0, first.stderr);
  const again = join(dir, 'again');
  const reproduced = await runCli(['reproduce', join(original, 'result.json'), '--out', again]);
  assert.equal(reproduced.code, 0, reproduced.stderr);
  assert.match(reproduced.stdout, /mqbench reproduce: .*original.* → .*rerun/);
  assert.match(reproduced.stdout, /rocksmq · 1KiB×150 random\s+s\/op/);
  const rerun = JSON.parse(await readFile(join(again, 'run', 'result.json'), 'utf8')) as ResultFile;
  assert.equal(rerun.manifest.scenario.resolved && (rerun.manifest.scenario.resolved as { trials: number }).trials, 2);
  assert.ok(existsSync(join(again, 'scenario.yaml')));
});
