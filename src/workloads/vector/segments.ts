/**
 * The query node's data: a growing segment that takes rows as they are consumed, sealed at `segmentRows` and then
 * indexed (HNSW, built elsewhere and attached). Searches merge the top-k of every sealed segment (through its index
 * once attached, brute force before) and of the growing segment (brute force), as Milvus query nodes do.
 */
import type { RowBatch } from './codec.js';

/** A nearest neighbour: primary key and squared L2 distance. */
export interface Hit {
  pk: number;
  distance: number;
}

/** What an attached ANN index must do (hnswlib-node's HierarchicalNSW does this; it takes plain arrays). */
export interface AnnIndex {
  searchKnn(query: number[], k: number): { neighbors: number[]; distances: number[] };
}

/** One segment's rows (columnar, preallocated to the segment size). */
export interface Segment {
  id: number;
  rows: number;
  pks: Float64Array;
  scalars: Int32Array;
  vectors: Float32Array;
  index?: AnnIndex;
}

/** Keeps the k smallest distances seen. */
export class TopK {
  readonly hits: Hit[] = [];
  constructor(private readonly k: number) {}
  offer(pk: number, distance: number): void {
    if (this.hits.length === this.k && distance >= this.hits[this.k - 1]!.distance) return;
    let index = this.hits.length;
    while (index > 0 && this.hits[index - 1]!.distance > distance) index -= 1;
    this.hits.splice(index, 0, { pk, distance });
    if (this.hits.length > this.k) this.hits.pop();
  }
}

/** Squared L2 distance between `query` and the vector at `offset` of `vectors`. */
export function squaredL2(query: Float32Array, vectors: Float32Array, offset: number): number {
  let sum = 0;
  for (let d = 0; d < query.length; d++) {
    const difference = query[d]! - vectors[offset + d]!;
    sum += difference * difference;
  }
  return sum;
}

/** Brute-force top-k over the first `rows` rows of a segment. */
export function bruteForce(segment: Segment, query: Float32Array, top: TopK): void {
  const dimension = query.length;
  for (let row = 0; row < segment.rows; row++) top.offer(segment.pks[row]!, squaredL2(query, segment.vectors, row * dimension));
}

/** The segments of one query node. */
export class SegmentStore {
  readonly sealed: Segment[] = [];
  growing: Segment;
  private nextId = 0;

  constructor(
    readonly dimension: number,
    readonly segmentRows: number,
  ) {
    this.growing = this.newSegment();
  }

  /** Appends rows; returns the segments that became full (sealed) and need an index. */
  append(batch: RowBatch): Segment[] {
    const full: Segment[] = [];
    const rows = batch.pks.length;
    for (let start = 0; start < rows; ) {
      const room = this.segmentRows - this.growing.rows;
      const take = Math.min(room, rows - start);
      const at = this.growing.rows;
      this.growing.pks.set(batch.pks.subarray(start, start + take), at);
      this.growing.scalars.set(batch.scalars.subarray(start, start + take), at);
      this.growing.vectors.set(batch.vectors.subarray(start * this.dimension, (start + take) * this.dimension), at * this.dimension);
      this.growing.rows += take;
      start += take;
      if (this.growing.rows === this.segmentRows) {
        this.sealed.push(this.growing);
        full.push(this.growing);
        this.growing = this.newSegment();
      }
    }
    return full;
  }

  /** Attaches the built index of sealed segment `id`. */
  attachIndex(id: number, index: AnnIndex): void {
    const segment = this.sealed.find((candidate) => candidate.id === id);
    if (segment) segment.index = index;
  }

  /** Top-k over every segment: indexed ones through their index, the rest by brute force. */
  search(query: Float32Array, k: number): Hit[] {
    const top = new TopK(k);
    let plain: number[] | undefined;
    for (const segment of this.sealed) {
      if (segment.index) {
        plain ??= Array.from(query);
        const { neighbors, distances } = segment.index.searchKnn(plain, Math.min(k, segment.rows));
        neighbors.forEach((row, index) => top.offer(segment.pks[row]!, distances[index]!));
      } else bruteForce(segment, query, top);
    }
    bruteForce(this.growing, query, top);
    return top.hits;
  }

  /** Primary keys of up to `limit` rows whose scalar equals `value`. */
  queryByScalar(value: number, limit: number): number[] {
    const found: number[] = [];
    for (const segment of [...this.sealed, this.growing]) {
      for (let row = 0; row < segment.rows && found.length < limit; row++) if (segment.scalars[row] === value) found.push(segment.pks[row]!);
    }
    return found;
  }

  /** How many of `pks` are present. */
  queryByPks(pks: readonly number[]): number {
    const wanted = new Set(pks);
    let found = 0;
    for (const segment of [...this.sealed, this.growing]) {
      for (let row = 0; row < segment.rows && found < wanted.size; row++) if (wanted.has(segment.pks[row]!)) found += 1;
    }
    return found;
  }

  /** Rows held, sealed segments and how many of them are indexed. */
  stats(): { rows: number; sealed: number; indexed: number; growingRows: number } {
    return {
      rows: this.sealed.reduce((sum, segment) => sum + segment.rows, 0) + this.growing.rows,
      sealed: this.sealed.length,
      indexed: this.sealed.filter((segment) => segment.index).length,
      growingRows: this.growing.rows,
    };
  }

  private newSegment(): Segment {
    return {
      id: this.nextId++,
      rows: 0,
      pks: new Float64Array(this.segmentRows),
      scalars: new Int32Array(this.segmentRows),
      vectors: new Float32Array(this.segmentRows * this.dimension),
    };
  }
}
