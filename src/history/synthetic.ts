/** Synthetic benchmark series with known change points, for testing and calibrating change-point detection. */
import { seededRandom } from '../util/random.js';

/** A series shape: the level of each point before noise. */
export type Levels = (index: number) => number;

/** A level that steps from `before` to `after` at `at`. */
export function step(before: number, after: number, at: number): Levels {
  return (index) => (index < at ? before : after);
}

/** A level that drifts linearly from `from` to `to` over `length` points. */
export function drift(from: number, to: number, length: number): Levels {
  return (index) => from + ((to - from) * index) / Math.max(1, length - 1);
}

/**
 * `length` points of `levels`, each times (1 + cv·N(0,1)) with a seeded normal draw; `outliers` points (chosen by the
 * seed) are multiplied by `outlierFactor` as a one-off hiccup of a shared machine would.
 */
export function noisySeries(length: number, levels: Levels, cv: number, seed: number, outliers = 0, outlierFactor = 1.6): number[] {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const values = Array.from({ length }, (_, index) => levels(index) * (1 + cv * normal()));
  for (let count = 0; count < outliers; count++) {
    const index = Math.floor(random() * length);
    values[index] = values[index]! * outlierFactor;
  }
  return values;
}
