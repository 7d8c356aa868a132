/**
 * Comparing two runs case by case: cases match by target + workload + parameters; every metric is compared on its
 * per-trial values (median, 95% CI of the ratio, Mann-Whitney p-value) and gets a verdict.
 */
import { METRICS, type MetricDefinition } from '../results/metrics.js';
import type { CaseResult, ResultFile } from '../results/result-file.js';
import { stableStringify } from '../util/stable-json.js';
import { mannWhitneyU, ratioEstimate, type Estimate } from '../util/statistics.js';

/** better/worse: a significant change in that direction; unchanged: no significant change; inconclusive: too few trials. */
export type Verdict = 'better' | 'worse' | 'unchanged' | 'inconclusive';

/** One metric of one matched case. */
export interface MetricComparison {
  caseKey: string;
  caseLabel: string;
  target: string;
  metric: MetricDefinition;
  baseline: Estimate;
  candidate: Estimate;
  /** (candidate − baseline) / baseline, in percent, of the medians. */
  changePct: number;
  /** 95% CI of candidate/baseline. */
  ratioCi95: [number, number];
  pValue: number | undefined;
  verdict: Verdict;
}

/** How comparisons decide. */
export interface CompareOptions {
  alpha: number;
  minTrials: number;
}

/** The default: 5% significance, at least 3 trials on each side. */
export const DEFAULT_COMPARE: CompareOptions = { alpha: 0.05, minTrials: 3 };

/** Cases of the two runs paired by target + workload + parameters. */
export interface CaseMatch {
  key: string;
  baseline: CaseResult;
  candidate: CaseResult;
}

/** The key cases match by. */
export function caseKey(entry: CaseResult): string {
  return `${entry.target}|${entry.workload}|${stableStringify(entry.params)}`;
}

/** Pairs the cases of two runs; unmatched ones are listed. */
export function matchCases(baseline: ResultFile, candidate: ResultFile): { matches: CaseMatch[]; onlyBaseline: CaseResult[]; onlyCandidate: CaseResult[] } {
  const byKey = new Map(candidate.cases.map((entry) => [caseKey(entry), entry]));
  const matches: CaseMatch[] = [];
  const onlyBaseline: CaseResult[] = [];
  for (const entry of baseline.cases) {
    const other = byKey.get(caseKey(entry));
    if (other) {
      matches.push({ key: caseKey(entry), baseline: entry, candidate: other });
      byKey.delete(caseKey(entry));
    } else onlyBaseline.push(entry);
  }
  return { matches, onlyBaseline, onlyCandidate: [...byKey.values()] };
}

/** Compares one metric's per-trial values. */
export function compareValues(metric: MetricDefinition, baseline: number[], candidate: number[], options: CompareOptions): Omit<MetricComparison, 'caseKey' | 'caseLabel' | 'target' | 'metric' | 'baseline' | 'candidate'> {
  const { ratio, ci95 } = ratioEstimate(baseline, candidate);
  const test = baseline.length >= 2 && candidate.length >= 2 ? mannWhitneyU(baseline, candidate) : undefined;
  const changePct = (ratio - 1) * 100;
  let verdict: Verdict;
  if (baseline.length < options.minTrials || candidate.length < options.minTrials || !test) verdict = 'inconclusive';
  else if (test.p >= options.alpha || changePct === 0) verdict = 'unchanged';
  else verdict = (changePct < 0) === (metric.better === 'lower') ? 'better' : 'worse';
  return { changePct, ratioCi95: ci95, pValue: test?.p, verdict };
}

/** Compares every catalogue metric both cases have per-trial values for. */
export function compareCase(match: CaseMatch, options: CompareOptions = DEFAULT_COMPARE): MetricComparison[] {
  const before = match.baseline.summary?.trialStats ?? {};
  const after = match.candidate.summary?.trialStats ?? {};
  return METRICS.flatMap((metric) => {
    const a = before[metric.key];
    const b = after[metric.key];
    if (!a || !b) return [];
    return [
      {
        caseKey: match.key,
        caseLabel: `${match.candidate.target} · ${match.candidate.label}`,
        target: match.candidate.target,
        metric,
        baseline: a,
        candidate: b,
        ...compareValues(metric, a.values, b.values, options),
      },
    ];
  });
}
