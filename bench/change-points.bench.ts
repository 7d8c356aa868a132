/**
 * The history's change-point search on synthetic series like this machine's results: per noise level (CV) and step
 * size, how many steps were found at the right place (±1 result), missed, and how many change points appeared where
 * there was none (in stepped series and in flat series with two one-off outliers). 50 series per row, 30 results each,
 * the step at a random place in the middle third.   npm run bench:change-points
 */
import { eDivisive } from '../src/history/e-divisive.js';
import { drift, noisySeries, step } from '../src/history/synthetic.js';

const SERIES = 50;
const ALPHA = Number(process.argv[2] ?? 0.05);
const rows: string[][] = [['CV', 'step', 'found (±1)', 'missed', 'false in stepped', 'flat with false alarm', 'drift 1 %/result seen']];
for (const cv of [0.02, 0.05, 0.1]) {
  for (const size of [0.05, 0.1, 0.2, 0.5]) {
    let [found, missed, falseInStepped, falseInFlat, driftSeen] = [0, 0, 0, 0, 0];
    for (let seed = 1; seed <= SERIES; seed++) {
      const at = 10 + (seed % 10);
      const points = eDivisive(noisySeries(30, step(100, 100 * (1 - size), at), cv, seed), { alpha: ALPHA });
      if (points.some((point) => Math.abs(point.index - at) <= 1)) found += 1;
      else missed += 1;
      falseInStepped += points.filter((point) => Math.abs(point.index - at) > 1).length;
      if (size === 0.05) {
        if (eDivisive(noisySeries(30, step(100, 100, 0), cv, 1000 + seed, 2), { alpha: ALPHA }).length > 0) falseInFlat += 1;
        if (eDivisive(noisySeries(30, drift(100, 130, 30), cv, 2000 + seed), { alpha: ALPHA }).length > 0) driftSeen += 1;
      }
    }
    rows.push([`${cv * 100} %`, `${size * 100} %`, `${found}/${SERIES}`, String(missed), String(falseInStepped), size === 0.05 ? `${falseInFlat}/${SERIES}` : '', size === 0.05 ? `${driftSeen}/${SERIES}` : '']);
  }
}
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
for (const row of rows) console.log(row.map((cell, column) => cell.padStart(widths[column]!)).join('  '));
