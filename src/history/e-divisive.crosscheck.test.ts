import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheDir } from '../install/cache.js';
import { TOOL_ROOT } from '../util/tool-root.js';
import { eDivisive } from './e-divisive.js';
import { noisySeries, step } from './synthetic.js';

const python = join(cacheDir(), 'python', 'e-divisive', 'bin', 'python');

test("change points agree with MongoDB's E-Divisive (signal-processing-algorithms) on 40 synthetic series", () => {
  assert.ok(existsSync(python), `MongoDB's E-Divisive is not installed at ${python}: run "npm run setup"`);
  const series: number[][] = [];
  for (let seed = 1; seed <= 10; seed++) {
    series.push(noisySeries(30, step(100, 75, 10 + seed), [0.03, 0.05, 0.08][seed % 3]!, seed));
    series.push(noisySeries(40, step(100, 90, 20), 0.05, 50 + seed));
    series.push(noisySeries(30, step(100, 100, 0), 0.05, 100 + seed, 2));
    series.push(noisySeries(60, (index) => (index < 20 ? 100 : index < 40 ? 130 : 110), 0.04, 200 + seed));
  }
  const run = spawnSync(python, [join(TOOL_ROOT, 'src', 'testing', 'e_divisive_reference.py')], { input: JSON.stringify({ series, pvalue: 0.05, permutations: 199 }), encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  const theirs = JSON.parse(run.stdout) as number[][];
  const ours = series.map((values) => eDivisive(values).map((point) => point.index));
  const same = ours.filter((indices, index) => JSON.stringify(indices) === JSON.stringify(theirs[index])).length;
  // The two differ in the form of the statistic (theirs divides the within-sample sums by n², ours by n(n−1)/2, as
  // Matteson & James define it; theirs allows splits at the very ends, ours keeps 3 results either side) and in the
  // shuffles: on borderline series one may keep a split the other does not. Every real step must be found by both, within 3 results (a 10 % step in 5 % noise is not placed exactly).
  assert.ok(same >= 34, `${same} of 40 series with the same change points`);
  const steps = series.map((_, index) => (index % 4 === 0 ? [10 + Math.floor(index / 4) + 1] : index % 4 === 1 ? [20] : index % 4 === 2 ? [] : [20, 40]));
  steps.forEach((expected, index) => {
    for (const at of expected) {
      assert.ok(ours[index]!.some((found) => Math.abs(found - at) <= 3), `ours: step at ${at} of series ${index} found (${ours[index]})`);
      assert.ok(theirs[index]!.some((found) => Math.abs(found - at) <= 3), `theirs: step at ${at} of series ${index} found (${theirs[index]})`);
    }
  });
});
