/**
 * Recall@k without holding the dataset: the exact top-k of every sample query is computed in one streaming pass over
 * the generator's rows (regenerated in chunks), independently of how the backend stored or indexed them.
 */
import type { VectorGenerator } from './generator.js';
import { squaredL2, TopK } from './segments.js';

const CHUNK_ROWS = 4096;

/** Exact top-k primary keys of each query over rows 0…rows−1. */
export function exactTopK(generator: VectorGenerator, rows: number, queries: Float32Array[], k: number): number[][] {
  const tops = queries.map(() => new TopK(k));
  const chunk = new Float32Array(CHUNK_ROWS * generator.dimension);
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows - start);
    for (let row = 0; row < count; row++) generator.fillRow(start + row, chunk, row * generator.dimension);
    for (let q = 0; q < queries.length; q++) {
      const query = queries[q]!;
      const top = tops[q]!;
      for (let row = 0; row < count; row++) top.offer(start + row, squaredL2(query, chunk, row * generator.dimension));
    }
  }
  return tops.map((top) => top.hits.map((hit) => hit.pk));
}

/** Mean recall@k: the share of the exact top-k each approximate result found. */
export function recallAtK(approximate: number[][], exact: number[][]): number {
  if (exact.length === 0) return 0;
  const shares = exact.map((truth, index) => {
    const found = new Set(approximate[index] ?? []);
    return truth.length === 0 ? 1 : truth.filter((pk) => found.has(pk)).length / truth.length;
  });
  return shares.reduce((sum, share) => sum + share, 0) / shares.length;
}
