import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parse } from 'yaml';
import { loadGateRules } from './rules.js';

test('the example gate rules are valid', async () => {
  const rules = await loadGateRules('examples/gates.yaml');
  assert.ok(rules.rules.length >= 5);
});

test('the example GitHub Actions workflow measures baseline and candidate in one job and gates with mqbench compare', async () => {
  const workflow = parse(await readFile('examples/github-actions.yml', 'utf8')) as { jobs: Record<string, { steps: Array<{ run?: string }> }> };
  const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.run ?? '')).join('\n');
  assert.match(runs, /mqbench run .*--out \.\.\/runs\/baseline/);
  assert.match(runs, /mqbench run .*--out \.\.\/runs\/candidate/);
  assert.match(runs, /mqbench compare \.\.\/runs\/baseline\/result\.json \.\.\/runs\/candidate\/result\.json[\s\S]*--gates examples\/gates\.yaml[\s\S]*--markdown "\$GITHUB_STEP_SUMMARY"[\s\S]*--junit/);
});
