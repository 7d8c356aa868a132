/**
 * The vector seam: where rows are written and reads are served. The vector workload's broker backend simulates
 * Milvus's data path through any target's LogDriver (inserts and time ticks through the MQ, a query node consuming
 * them); a target that stores vectors itself (Milvus) is a VectorStore, a capability apart from the log seam, and
 * hands out its own backend. The load generator, timing and recording are the same for both.
 */
import type { TargetConnection } from './driver.js';

/** Milvus consistency levels and what each read waits for. */
export const consistencyLevels = ['Strong', 'Bounded', 'Session', 'Eventually'] as const;

/** One consistency level. */
export type ConsistencyLevel = (typeof consistencyLevels)[number];

/** A batch of rows. */
export interface RowBatch {
  insertTs: number;
  pks: Float64Array;
  scalars: Int32Array;
  vectors: Float32Array;
  dimension: number;
}

/** What a vector store needs to create its collection: the vectors' dimension and the HNSW index parameters. */
export interface VectorCollectionSpec {
  dimension: number;
  index: { M: number; efConstruction: number; efSearch: number };
}

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
  /** What a reader of these figures must know (e.g. that the server does not count its index's rows). */
  note?: string;
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

/** A target that stores and serves vectors itself (a real Milvus): it runs only the vector workload. */
export interface VectorStore extends TargetConnection {
  /** A backend over a new collection of `spec`'s shape. */
  vectorBackend(spec: VectorCollectionSpec): VectorBackend;
}

/** Whether a connection is a vector store rather than a log driver. */
export function isVectorStore(connection: TargetConnection): connection is VectorStore {
  return typeof (connection as Partial<VectorStore>).vectorBackend === 'function';
}
