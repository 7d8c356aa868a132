import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestSplit, eDivisive } from './e-divisive.js';
import { drift, noisySeries, step } from './synthetic.js';

test('the energy statistic of a split, against its definition computed the slow way', () => {
  const series = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
  const q = (tau: number) => {
    const [x, y] = [series.slice(0, tau), series.slice(tau)];
    const mean = (pairs: Array<[number, number]>) => pairs.reduce((sum, [a, b]) => sum + Math.abs(a - b), 0) / pairs.length;
    const within = (values: number[]) => mean(values.flatMap((a, i) => values.slice(i + 1).map((b): [number, number] => [a, b])));
    const cross = mean(x.flatMap((a) => y.map((b): [number, number] => [a, b])));
    return ((x.length * y.length) / series.length) * (2 * cross - within(x) - within(y));
  };
  const expected = [2, 3, 4, 5, 6, 7, 8].map((tau) => ({ tau, q: q(tau) })).sort((a, b) => b.q - a.q)[0]!;
  const split = bestSplit(series, 0, series.length, 2)!;
  assert.equal(split.index, expected.tau);
  assert.ok(Math.abs(split.q - expected.q) < 1e-9, `${split.q} against ${expected.q}`);
});

test('a step of 10 % in 5 % noise is found where it happened; a flat series has none', () => {
  const stepped = noisySeries(40, step(1000, 900, 25), 0.05, 7);
  const found = eDivisive(stepped);
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.ok(Math.abs(found[0]!.index - 25) <= 1, `found at ${found[0]!.index}`);
  assert.ok(found[0]!.pValue <= 0.05);
  assert.deepEqual(eDivisive(noisySeries(40, step(1000, 1000, 0), 0.05, 7)), []);
  assert.deepEqual(eDivisive(Array.from({ length: 20 }, () => 5)), [], 'a constant series');
  assert.deepEqual(eDivisive([1, 2, 3]), [], 'too short to split');
});

test('two steps are both found, and the answer repeats for the same seed', () => {
  const series = noisySeries(60, (index) => (index < 20 ? 100 : index < 40 ? 130 : 110), 0.04, 3);
  const found = eDivisive(series);
  assert.deepEqual(found.map((point) => point.index), [20, 40]);
  assert.deepEqual(eDivisive(series), found);
});

test('accuracy over synthetic series as noisy as this machine (CV 3–8 %): steps found, few false alarms, outliers ignored', () => {
  let [detected, missed, falseAlarms, quietSeries] = [0, 0, 0, 0];
  for (let seed = 1; seed <= 20; seed++) {
    const cv = [0.03, 0.05, 0.08][seed % 3]!;
    // A 25 % slowdown at a random place in the middle third.
    const at = 10 + (seed % 10);
    const found = eDivisive(noisySeries(30, step(100, 75, at), cv, seed), { permutations: 99 });
    if (found.some((point) => Math.abs(point.index - at) <= 1)) detected += 1;
    else missed += 1;
    falseAlarms += found.filter((point) => Math.abs(point.index - at) > 1).length;
    // No change, two one-off outliers.
    if (eDivisive(noisySeries(30, step(100, 100, 0), cv, 100 + seed, 2), { permutations: 99 }).length === 0) quietSeries += 1;
  }
  assert.ok(detected >= 18, `${detected} of 20 steps found (${missed} missed)`);
  assert.ok(falseAlarms <= 2, `${falseAlarms} false change points beside the steps`);
  assert.ok(quietSeries >= 17, `${quietSeries} of 20 unchanged series with outliers had no change point`);
});

test('a slow drift (each result 1 % slower, 30 results) is reported as a change of level somewhere along it', () => {
  const found = eDivisive(noisySeries(30, drift(100, 130, 30), 0.03, 11));
  assert.ok(found.length >= 1, 'the drift is seen');
  assert.ok(found.every((point) => point.index >= 5 && point.index <= 25), JSON.stringify(found));
});
