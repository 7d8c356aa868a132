/**
 * The vector workload's seam: where rows are written and reads are served. The broker backend simulates Milvus's
 * data path through any target's LogDriver (inserts and time ticks through the MQ, a query node consuming them); a
 * Milvus backend talks to a real Milvus. The load generator, timing and recording are the same for both.
 */
import type { RowBatch } from './codec.js';
import type { ConsistencyLevel } from './params.js';

/** Hits of a search (primary keys, nearest first). */
export interface SearchResult {
  pks: number[];
  /** Time spent waiting for the serviceable time to reach the request's guarantee, ms. */
  waitedMs: number;
}

/** Rows, segments and index builds so far. */
export interface BackendStats {
  rows: number;
  sealed: number;
  indexed: number;
  growingRows: number;
  indexBuildSeconds: number;
}

/** A place rows are written to and read from. */
export interface VectorBackend {
  /** e.g. "query node over nats (16 channels)" or "Milvus 2.5.4 at …". */
  readonly description: string;
  start(): Promise<void>;
  /** Writes a batch; resolves once it is acknowledged (durable in the MQ, or acknowledged by Milvus). */
  insert(batch: RowBatch): Promise<void>;
  /** Searches at `level`; `guaranteeTs` is the timestamp the level requires (Strong: the request time; Eventually: 0). */
  search(vector: Float32Array, k: number, level: ConsistencyLevel, guaranteeTs: number): Promise<SearchResult>;
  /** Counts rows matching a scalar filter, or present among primary keys. */
  query(kind: 'scalar' | 'pks', argument: number | number[], level: ConsistencyLevel, guaranteeTs: number): Promise<{ count: number; waitedMs: number }>;
  /** Waits until all written rows are readable and all indexes are built. */
  settle(): Promise<void>;
  stats(): Promise<BackendStats>;
  close(): Promise<void>;
}
