/** Gate results as JUnit XML: one test case per rule and case, failures with what was measured. */
import type { GateOutcome } from './evaluate.js';

const xml = (text: string) => text.replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char]!);

/**
 * The JUnit XML document of a gate: one `testsuite` root with the attributes Maven Surefire's schema requires (Jenkins,
 * GitLab and GitHub reporters read it too). A rule takes no time of its own, so every `time` is 0. Inconclusive rules
 * are reported as skipped, with the reason.
 */
export function renderJunit(suiteName: string, gate: GateOutcome): string {
  const cases = gate.results.map((result) => {
    const name = xml(`${result.rule.selector.text}: ${result.rule.text}`);
    const classname = xml(`mqbench.${result.caseLabel}`);
    const open = `  <testcase name="${name}" classname="${classname}" time="0">`;
    // Surefire's order within a test case: failure or skipped first, then system-out.
    const outcome =
      result.status === 'fail'
        ? `\n    <failure message="${xml(result.detail)}"/>`
        : result.status === 'inconclusive'
          ? `\n    <skipped message="inconclusive: ${xml(result.detail)}"/>`
          : '';
    const warnings = result.warnings.length > 0 ? `\n    <system-out>${xml(result.warnings.join('\n'))}</system-out>` : '';
    return `${open}${outcome}${warnings}${outcome || warnings ? '\n  ' : ''}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="${xml(suiteName)}" tests="${gate.results.length}" failures="${gate.failed}" errors="0" skipped="${gate.inconclusive}" time="0">
${cases.join('\n')}
</testsuite>
`;
}
