/**
 * A deterministic, streaming generator of clustered vectors: row i (pk i) is a centroid plus Gaussian noise, both
 * derived from the seed and i alone, so any row can be produced on demand and the harness never holds the dataset.
 * Clustered data gives an ANN index structure to exploit, as real embeddings do (uniform noise would not).
 */
import { seededRandom } from '../../util/random.js';

const NOISE = 0.15;

/** Generates rows and query vectors. */
export class VectorGenerator {
  private readonly centroids: Float32Array;

  constructor(
    readonly dimension: number,
    readonly clusters: number,
    private readonly seed: number,
  ) {
    const random = seededRandom(seed * 7919 + 1);
    this.centroids = Float32Array.from({ length: clusters * dimension }, () => random() * 2 - 1);
  }

  /** The scalar field of row `pk` (a category in 0…999, for filter queries). */
  scalar(pk: number): number {
    return pk % 1000;
  }

  /** Writes row `pk`'s vector into `out` at `offset`. */
  fillRow(pk: number, out: Float32Array, offset: number): void {
    this.fill(pk, 0x9e3779b1, out, offset);
  }

  /** A query vector (near a centroid, like a new document's embedding), deterministic in `index`. */
  queryVector(index: number): Float32Array {
    const out = new Float32Array(this.dimension);
    this.fill(index, 0x85ebca6b, out, 0);
    return out;
  }

  private fill(index: number, stream: number, out: Float32Array, offset: number): void {
    const random = seededRandom((Math.imul(index, stream) ^ (this.seed * 2654435761)) >>> 0);
    const cluster = Math.floor(random() * this.clusters);
    const base = cluster * this.dimension;
    for (let d = 0; d < this.dimension; d += 2) {
      // Box-Muller: two Gaussian samples per pair of uniforms.
      const radius = Math.sqrt(-2 * Math.log(1 - random())) * NOISE;
      const angle = 2 * Math.PI * random();
      out[offset + d] = this.centroids[base + d]! + radius * Math.cos(angle);
      if (d + 1 < this.dimension) out[offset + d + 1] = this.centroids[base + d + 1]! + radius * Math.sin(angle);
    }
  }
}
