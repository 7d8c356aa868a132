/** compare, export and reproduce: the commands for CI performance gates and reproducible reports. */
import { conditionNotes } from '../report/comparison.js';
import { ALLOCATOR_CHOICES } from '../util/allocator.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareCase, DEFAULT_COMPARE, matchCases, type MetricComparison } from '../gate/compare.js';
import { evaluateGate, type GateOutcome } from '../gate/evaluate.js';
import { renderJunit } from '../gate/junit.js';
import { renderMarkdown } from '../gate/markdown.js';
import { checkSelectorTargets, loadGateRules } from '../gate/rules.js';
import { smallestDetectable } from '../gate/sensitivity.js';
import { toBencher, toGithubActionBenchmark } from '../results/export.js';
import { readResultFile } from '../results/io.js';
import { formatMetric, METRICS } from '../results/metrics.js';
import type { ResultFile } from '../results/result-file.js';
import { alignTable } from '../report/table.js';
import { ExitCode, InputError } from '../util/errors.js';
import { claimRunDirectory } from '../run/run-directory.js';
import { runCommand, utcStamp } from './commands.js';

/** Options of `mqbench compare`. */
export interface CompareOptions {
  gates?: string;
  markdown?: string;
  junit?: string;
  strict?: boolean;
  allowConfigMismatch?: boolean;
}

/** The comparison and gate of two results; throws InputError when their configurations differ (unless allowed). */
export async function compareResults(
  baseline: ResultFile,
  candidate: ResultFile,
  options: CompareOptions,
  sources: [string, string],
): Promise<{ comparisons: MetricComparison[]; gate?: GateOutcome; unmatched: string[]; notes: string[] }> {
  if (baseline.manifest.configHash !== candidate.manifest.configHash && !options.allowConfigMismatch) {
    throw new InputError([
      {
        source: sources[1],
        path: 'manifest.configHash',
        message: `measures a different configuration than ${sources[0]} (${candidate.manifest.configHash.slice(0, 12)} vs ${baseline.manifest.configHash.slice(0, 12)}); compare anyway with --allow-config-mismatch`,
      },
    ]);
  }
  const rules = options.gates ? await loadGateRules(options.gates) : undefined;
  const { matches, onlyBaseline, onlyCandidate } = matchCases(baseline, candidate);
  const comparisons = matches.flatMap((match) => compareCase(match, DEFAULT_COMPARE));
  if (rules) checkSelectorTargets(rules, [baseline, candidate]);
  const gate = rules ? evaluateGate(rules, matches) : undefined;
  const unmatched = [...onlyBaseline.map((entry) => `only in the baseline: ${entry.id}`), ...onlyCandidate.map((entry) => `only in the candidate: ${entry.id}`)];
  return { comparisons, gate, unmatched, notes: conditionNotes(baseline, candidate).map((note) => `note: ${note}`) };
}

/** Prints a comparison and gate to stdout and writes the requested files; returns the exit code. */
async function reportComparison(title: string, outcome: Awaited<ReturnType<typeof compareResults>>, options: CompareOptions): Promise<number> {
  const { comparisons, gate, unmatched, notes } = outcome;
  const pct = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(1)}%` : '–');
  const rows = [['case', 'metric', 'baseline', 'candidate', 'change', '95% CI', 'p', 'verdict']];
  for (const comparison of comparisons) {
    rows.push([
      comparison.caseLabel,
      comparison.metric.label,
      formatMetric(comparison.metric, comparison.baseline.median),
      formatMetric(comparison.metric, comparison.candidate.median),
      pct(comparison.changePct),
      `${pct((comparison.ratioCi95[0] - 1) * 100)}…${pct((comparison.ratioCi95[1] - 1) * 100)}`,
      comparison.pValue === undefined ? '–' : comparison.pValue.toPrecision(2),
      comparison.verdict,
    ]);
  }
  process.stdout.write(`${title}\n\n${comparisons.length > 0 ? alignTable(rows, 2) : 'no case matched'}\n`);
  for (const line of [...unmatched, ...notes]) process.stdout.write(`${line}\n`);
  if (gate) {
    process.stdout.write(`\ngate: ${gate.failed > 0 ? 'FAILED' : 'passed'} (${gate.passed} passed, ${gate.failed} failed, ${gate.inconclusive} inconclusive)\n`);
    for (const result of gate.results) {
      process.stdout.write(`  ${result.status.padEnd(12)} ${result.rule.selector.text}: ${result.rule.text} — ${result.caseLabel}: ${result.detail}\n`);
      for (const warning of result.warnings) process.stdout.write(`  ${''.padEnd(12)} warning: ${warning}\n`);
    }
  }
  if (options.markdown) await writeFile(options.markdown, renderMarkdown(title, comparisons, gate));
  if (options.junit && gate) await writeFile(options.junit, renderJunit(title, gate));
  if (gate && gate.failed > 0) return ExitCode.gateFailed;
  const inconclusive = gate ? gate.inconclusive > 0 : comparisons.some((comparison) => comparison.verdict === 'inconclusive');
  if (options.strict && inconclusive) return ExitCode.inconclusive;
  return ExitCode.ok;
}

/** `mqbench compare <baseline> <candidate>`. */
export async function compareCommand(baselinePath: string, candidatePath: string, options: CompareOptions): Promise<number> {
  const [baseline, candidate] = [await readResultFile(baselinePath), await readResultFile(candidatePath)];
  if (options.junit && !options.gates) throw new InputError([{ source: '--junit', path: '', message: 'JUnit output reports gate rules: give --gates too' }]);
  const outcome = await compareResults(baseline, candidate, options, [baselinePath, candidatePath]);
  return reportComparison(`mqbench compare: ${baselinePath} → ${candidatePath}`, outcome, options);
}

/** `mqbench export <result> --format …`. */
export async function exportCommand(resultPath: string, options: { format: string; output?: string }): Promise<number> {
  const result = await readResultFile(resultPath);
  const data =
    options.format === 'bencher'
      ? toBencher(result)
      : options.format === 'gab-smaller'
        ? toGithubActionBenchmark(result, 'lower')
        : options.format === 'gab-bigger'
          ? toGithubActionBenchmark(result, 'higher')
          : undefined;
  if (data === undefined) throw new InputError([{ source: '--format', path: '', message: `"${options.format}" is not a format; use bencher, gab-smaller or gab-bigger` }]);
  const text = `${JSON.stringify(data, null, 2)}\n`;
  if (options.output) await writeFile(options.output, text);
  else process.stdout.write(text);
  return ExitCode.ok;
}

/** The load options a result was produced with, from its manifest. */
export function reproduceOptions(result: ResultFile): { set: string[]; trials?: number; provider?: 'auto' | 'docker' | 'local' | 'external'; targets: string[]; env: NodeJS.ProcessEnv } {
  const set: string[] = [];
  const env: NodeJS.ProcessEnv = {};
  let trials: number | undefined;
  let provider: string | undefined;
  let targets: string[] = [];
  for (const expression of result.manifest.scenario.overrides ?? []) {
    if (expression.startsWith('--set ')) set.push(expression.slice('--set '.length));
    else if (expression.startsWith('--trials ')) trials = Number(expression.slice('--trials '.length));
    else if (expression.startsWith('--provider ')) provider = expression.slice('--provider '.length);
    else if (expression.startsWith('--targets ')) targets = expression.slice('--targets '.length).split(',');
    else if (/^MQBENCH_[A-Z_]+=/.test(expression)) env[expression.slice(0, expression.indexOf('='))] = expression.slice(expression.indexOf('=') + 1);
  }
  return { set, trials, provider: provider as 'auto' | 'docker' | 'local' | 'external' | undefined, targets, env };
}

/** `mqbench reproduce <result>`: reruns the embedded scenario with the same overrides and compares with the original. */
export async function reproduceCommand(resultPath: string, options: CompareOptions & { out?: string; trials?: number }): Promise<number> {
  const original = await readResultFile(resultPath);
  const claimed = await claimRunDirectory(options.out ?? join('reports', `reproduce-${original.manifest.scenario.name}-${utcStamp(new Date())}`), {
    unique: options.out === undefined,
    flag: options.out === undefined ? 'the default output directory' : '--out',
  });
  await claimed.release();
  const out = claimed.path;
  const scenarioPath = join(out, 'scenario.yaml');
  await writeFile(scenarioPath, original.manifest.scenario.text);
  const load = reproduceOptions(original);
  const rerun = join(out, 'run');
  // The original's allocator choice, where it made one (it is not part of the scenario).
  const allocator = ALLOCATOR_CHOICES.find((choice) => choice === original.manifest.environment?.MQBENCH_ALLOCATOR);
  const code = await runCommand(scenarioPath, { ...load, trials: options.trials ?? load.trials, out: rerun, progress: true, ...(allocator ? { allocator } : {}) });
  if (code === ExitCode.interrupted) return code;
  const candidate = await readResultFile(join(rerun, 'result.json'));
  const outcome = await compareResults(original, candidate, options, [resultPath, join(rerun, 'result.json')]);
  const compared = await reportComparison(`mqbench reproduce: ${resultPath} (original) → ${join(rerun, 'result.json')} (rerun)`, outcome, options);
  return compared !== ExitCode.ok ? compared : code;
}

/** `mqbench noise <result>`: each metric's run-to-run variation and the smallest regression a gate detects reliably. */
export async function noiseCommand(resultPath: string, options: { trials?: number; alpha?: number }): Promise<number> {
  const result = await readResultFile(resultPath);
  const alpha = options.alpha ?? 0.05;
  const rows = [['case', 'metric', 'trials', 'median', 'CV', `smallest regression detected (95% power, ${options.trials ?? 'same'} trials, alpha ${alpha})`]];
  for (const entry of result.cases) {
    for (const metric of METRICS) {
      const stats = entry.summary?.trialStats[metric.key];
      if (!stats) continue;
      const trials = options.trials ?? stats.n;
      const shift = stats.n >= 5 ? smallestDetectable(stats.values, metric, trials, alpha) : undefined;
      rows.push([
        `${entry.target} · ${entry.label}`,
        metric.label,
        String(stats.n),
        formatMetric(metric, stats.median),
        `${(stats.cv * 100).toFixed(1)}%`,
        stats.n < 5 ? 'needs ≥ 5 trials' : shift === undefined ? '> 200%' : `${shift}%`,
      ]);
    }
  }
  process.stdout.write(`${alignTable(rows, 2)}\n`);
  return ExitCode.ok;
}
