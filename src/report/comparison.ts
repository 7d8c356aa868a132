/** The comparison part of a report of two runs: every metric's change with its CI and noise band, and gate verdicts. */
import { compareCase, DEFAULT_COMPARE, matchCases } from '../gate/compare.js';
import { evaluateGate } from '../gate/evaluate.js';
import type { GateRules } from '../gate/rules.js';
import { formatMetric } from '../results/metrics.js';
import type { ResultFile } from '../results/result-file.js';

/** One compared metric, ready to draw. Percentages are changes candidate vs baseline. */
export interface ComparisonRow {
  caseLabel: string;
  metric: string;
  better: string;
  baseline: string;
  candidate: string;
  changePct: number;
  ciPct: [number, number];
  /** ± twice the larger coefficient of variation of the two runs: changes inside it are within the observed noise. */
  noisePct: number;
  pValue: number | null;
  verdict: string;
}

/** What the report shows about a comparison. */
export interface ComparisonModel {
  baseline: string;
  candidate: string;
  sameConfiguration: boolean;
  /** Conditions that differed outside the configuration (conditionNotes). */
  conditions: string[];
  rows: ComparisonRow[];
  gate: Array<{ status: string; rule: string; caseLabel: string; detail: string; warnings: string[] }> | null;
  unmatched: string[];
}

/** Compares `baseline` and `candidate` (and applies `rules` when given). */
export function buildComparison(baseline: ResultFile, candidate: ResultFile, rules?: GateRules): ComparisonModel {
  const { matches, onlyBaseline, onlyCandidate } = matchCases(baseline, candidate);
  const rows = matches.flatMap((match) =>
    compareCase(match, DEFAULT_COMPARE).map((comparison) => ({
      caseLabel: comparison.caseLabel,
      metric: comparison.metric.label,
      better: comparison.metric.better,
      baseline: formatMetric(comparison.metric, comparison.baseline.median),
      candidate: formatMetric(comparison.metric, comparison.candidate.median),
      changePct: comparison.changePct,
      ciPct: [(comparison.ratioCi95[0] - 1) * 100, (comparison.ratioCi95[1] - 1) * 100] as [number, number],
      noisePct: 2 * Math.max(comparison.baseline.cv, comparison.candidate.cv) * 100,
      pValue: comparison.pValue ?? null,
      verdict: comparison.verdict,
    })),
  );
  const gate = rules
    ? evaluateGate(rules, matches).results.map((result) => ({
        status: result.status,
        rule: `${result.rule.selector.text}: ${result.rule.text}`,
        caseLabel: result.caseLabel,
        detail: result.detail,
        warnings: result.warnings,
      }))
    : null;
  return {
    baseline: `${baseline.manifest.scenario.name} (${baseline.manifest.startedAt})`,
    candidate: `${candidate.manifest.scenario.name} (${candidate.manifest.startedAt})`,
    sameConfiguration: baseline.manifest.configHash === candidate.manifest.configHash,
    conditions: conditionNotes(baseline, candidate),
    rows,
    gate,
    unmatched: [...onlyBaseline.map((entry) => `only in the baseline: ${entry.id}`), ...onlyCandidate.map((entry) => `only in the candidate: ${entry.id}`)],
  };
}

/** What differed between two runs' conditions outside their configuration, which can move the figures too. */
export function conditionNotes(baseline: ResultFile, candidate: ResultFile): string[] {
  const [before, after] = [baseline.manifest.allocator ?? 'not recorded', candidate.manifest.allocator ?? 'not recorded'];
  if (before === after) return [];
  return [`the runs' processes had different memory allocators (baseline: ${before}; candidate: ${after}), which moves client CPU, memory and throughput`];
}
