/** Gate results as JUnit XML: one test case per rule and case, failures with what was measured. */
import type { GateOutcome } from './evaluate.js';

const xml = (text: string) => text.replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char]!);

/** The JUnit XML document of a gate. Inconclusive rules are reported as skipped, with the reason. */
export function renderJunit(suiteName: string, gate: GateOutcome): string {
  const cases = gate.results.map((result) => {
    const name = xml(`${result.rule.selector.text}: ${result.rule.text}`);
    const classname = xml(`mqbench.${result.caseLabel}`);
    const warnings = result.warnings.length > 0 ? `\n      <system-out>${xml(result.warnings.join('\n'))}</system-out>` : '';
    if (result.status === 'fail') return `    <testcase name="${name}" classname="${classname}">\n      <failure message="${xml(result.detail)}"/>${warnings}\n    </testcase>`;
    if (result.status === 'inconclusive') return `    <testcase name="${name}" classname="${classname}">\n      <skipped message="inconclusive: ${xml(result.detail)}"/>${warnings}\n    </testcase>`;
    return `    <testcase name="${name}" classname="${classname}">${warnings ? `${warnings}\n    ` : ''}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="${xml(suiteName)}" tests="${gate.results.length}" failures="${gate.failed}" skipped="${gate.inconclusive}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
