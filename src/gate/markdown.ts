/** The comparison as Markdown, for $GITHUB_STEP_SUMMARY and pull-request comments. */
import { formatMetric } from '../results/metrics.js';
import type { MetricComparison } from './compare.js';
import type { GateOutcome } from './evaluate.js';

const icon = { pass: '✅', fail: '❌', inconclusive: '❔', better: '🟢', worse: '🔴', unchanged: '⚪' } as const;
/** A signed percentage with one decimal ("+12.3%"), or "–" when not finite. */
export const pct = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(1)}%` : '–');
/** Text made safe for a Markdown table cell. */
export const cell = (text: string) => text.replaceAll('|', '\\|');

/** A Markdown report: gate results first (when rules were given), then every metric's comparison. */
export function renderMarkdown(title: string, comparisons: readonly MetricComparison[], gate?: GateOutcome): string {
  const lines = [`## ${cell(title)}`, ''];
  if (gate) {
    lines.push(`**Gate: ${gate.failed > 0 ? `${icon.fail} ${gate.failed} failed` : `${icon.pass} passed`}** — ${gate.passed} passed, ${gate.failed} failed, ${gate.inconclusive} inconclusive`, '');
    lines.push('| | rule | case | measured |', '|---|---|---|---|');
    for (const result of gate.results) {
      lines.push(`| ${icon[result.status]} | \`${cell(result.rule.selector.text)}: ${cell(result.rule.text)}\` | ${cell(result.caseLabel)} | ${cell(result.detail)}${result.warnings.map((warning) => `<br>⚠️ ${cell(warning)}`).join('')} |`);
    }
    lines.push('');
  }
  lines.push('| case | metric | baseline | candidate | change | 95% CI of ratio | p | verdict |', '|---|---|---:|---:|---:|---|---:|---|');
  for (const comparison of comparisons) {
    const { metric } = comparison;
    lines.push(
      `| ${cell(comparison.caseLabel)} | ${metric.label} | ${formatMetric(metric, comparison.baseline.median)} | ${formatMetric(metric, comparison.candidate.median)} | ${pct(comparison.changePct)} | ${pct((comparison.ratioCi95[0] - 1) * 100)} … ${pct((comparison.ratioCi95[1] - 1) * 100)} | ${comparison.pValue === undefined ? '–' : comparison.pValue.toPrecision(2)} | ${icon[comparison.verdict]} ${comparison.verdict} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
