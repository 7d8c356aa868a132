/** Applying gate rules to the matched cases of a baseline and a candidate run. */
import { headlineValue } from '../results/metrics.js';
import type { CaseResult } from '../results/result-file.js';
import type { CaseSummary } from '../results/summary.js';
import { compareValues, type CaseMatch } from './compare.js';
import type { GateRules, Operator, Rule } from './rules.js';

/** The outcome of one rule on one case. */
export interface RuleResult {
  rule: Rule;
  caseLabel: string;
  status: 'pass' | 'fail' | 'inconclusive';
  /** What was measured, e.g. "p99 = 42.1 (limit < 50)" or "+12.3% (95% CI +8.1%…+16.0%), p = 0.004". */
  detail: string;
  warnings: string[];
}

/** The verdict of a whole gate. */
export interface GateOutcome {
  results: RuleResult[];
  failed: number;
  inconclusive: number;
  passed: number;
}

const operators: Record<Operator, (value: number, threshold: number) => boolean> = {
  '<': (value, threshold) => value < threshold,
  '<=': (value, threshold) => value <= threshold,
  '>': (value, threshold) => value > threshold,
  '>=': (value, threshold) => value >= threshold,
  '==': (value, threshold) => value === threshold,
  '!=': (value, threshold) => value !== threshold,
};

function selects(rule: Rule, entry: CaseResult): boolean {
  return (!rule.selector.target || rule.selector.target === entry.target) && (!rule.selector.workload || rule.selector.workload === entry.workload);
}

function absoluteValue(rule: Extract<Rule, { kind: 'absolute' }>, summary: CaseSummary): number | null {
  if (rule.selector.group === 'delivery') return (summary.delivery as unknown as Record<string, number>)[rule.metricKey.split('.')[1]!] ?? null;
  return rule.metric ? headlineValue(summary, rule.metric) : null;
}

const pct = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;

/** Evaluates every rule on every matched case it selects. */
export function evaluateGate(rules: GateRules, matches: readonly CaseMatch[]): GateOutcome {
  const results: RuleResult[] = [];
  for (const rule of rules.rules) {
    const selected = matches.filter((match) => selects(rule, match.candidate));
    if (selected.length === 0) {
      results.push({ rule, caseLabel: '(no case)', status: 'inconclusive', detail: 'no case of both runs matches this selector', warnings: [] });
      continue;
    }
    for (const match of selected) {
      const caseLabel = `${match.candidate.target} · ${match.candidate.label}`;
      const summary = match.candidate.summary;
      if (!summary) {
        results.push({ rule, caseLabel, status: 'fail', detail: `the candidate case has no measurements (${match.candidate.status}${match.candidate.error ? `: ${match.candidate.error}` : ''})`, warnings: [] });
        continue;
      }
      results.push(rule.kind === 'absolute' ? absolute(rule, summary, caseLabel) : relative(rule, match, caseLabel));
    }
  }
  return {
    results,
    failed: results.filter((result) => result.status === 'fail').length,
    inconclusive: results.filter((result) => result.status === 'inconclusive').length,
    passed: results.filter((result) => result.status === 'pass').length,
  };
}

function absolute(rule: Extract<Rule, { kind: 'absolute' }>, summary: CaseSummary, caseLabel: string): RuleResult {
  const value = absoluteValue(rule, summary);
  if (value === null) return { rule, caseLabel, status: 'inconclusive', detail: `${rule.metricKey} was not measured in this case`, warnings: [] };
  const ok = operators[rule.operator](value, rule.threshold);
  return { rule, caseLabel, status: ok ? 'pass' : 'fail', detail: `${rule.metricKey} = ${Number(value.toPrecision(6))} (limit ${rule.operator} ${rule.threshold})`, warnings: [] };
}

function relative(rule: Extract<Rule, { kind: 'relative' }>, match: CaseMatch, caseLabel: string): RuleResult {
  const before = match.baseline.summary?.trialStats[rule.metricKey];
  const after = match.candidate.summary?.trialStats[rule.metricKey];
  if (!before || !after) return { rule, caseLabel, status: 'inconclusive', detail: `${rule.metricKey} was not measured in both runs`, warnings: [] };
  const comparison = compareValues(rule.metric, before.values, after.values, { alpha: rule.alpha, minTrials: rule.minTrials });
  const worseChange = rule.metric.better === 'lower' ? comparison.changePct : -comparison.changePct;
  const detail = `${rule.metricKey}: ${pct(comparison.changePct)} (95% CI ${pct((comparison.ratioCi95[0] - 1) * 100)}…${pct((comparison.ratioCi95[1] - 1) * 100)})${comparison.pValue === undefined ? '' : `, p = ${comparison.pValue.toPrecision(2)}`}, trials ${before.n} vs ${after.n}`;
  const warnings: string[] = [];
  const noise = Math.max(before.cv, after.cv) * 100;
  if (rule.thresholdPct < 2 * noise) {
    warnings.push(`threshold ${rule.thresholdPct}% is below twice the observed run-to-run variation (CV ${noise.toFixed(1)}%): expect false alarms or missed regressions`);
  }
  if (before.n < rule.minTrials || after.n < rule.minTrials) {
    return { rule, caseLabel, status: 'inconclusive', detail: `${detail}; fewer than minTrials ${rule.minTrials}`, warnings };
  }
  const significant = comparison.pValue !== undefined && comparison.pValue < rule.alpha;
  const failed = significant && worseChange > rule.thresholdPct;
  return { rule, caseLabel, status: failed ? 'fail' : 'pass', detail, warnings };
}
