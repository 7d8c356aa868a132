/**
 * What a vector run needs, before it starts: memory of the query node (raw rows for brute force and queries, plus
 * the HNSW graph with its own copy of each vector, plus one segment being indexed) and time. `mqbench validate` prints
 * it; `mqbench run` refuses a run whose memory estimate exceeds 80% of this machine's RAM.
 */
import { totalmem } from 'node:os';
import { formatBytes } from '../../util/units.js';
import type { VectorParams } from './params.js';

/** The estimate for one parameter point. */
export interface VectorEstimate {
  bytesPerVector: number;
  vectorsPerGiB: number;
  queryNodeBytes: number;
  seconds: number;
  text: string;
}

const BASELINE_BYTES = 400 * 1024 * 1024;
/** hnswlib-node single-thread insert rate at M=16, efConstruction=100, d=128 on the development machine (order of magnitude). */
const INDEX_ROWS_PER_SECOND_AT_128 = 8000;

/** Memory and time a vector run needs. */
export function estimateVectorRun(params: VectorParams): VectorEstimate {
  const raw = params.dimension * 4 + 8 + 4;
  const hnsw = params.dimension * 4 + 8 + params.index.M * 2 * 4 + 4 + Math.ceil((params.index.M * 4 * 1.1) / Math.log(params.index.M));
  const bytesPerVector = raw + hnsw;
  const building = params.segmentRows * params.dimension * 4 * 2;
  const queryNodeBytes = params.vectors * bytesPerVector + building + BASELINE_BYTES;
  const ingest = params.insertRate > 0 ? params.vectors / params.insertRate : params.vectors / 20_000;
  const indexing = (params.vectors / INDEX_ROWS_PER_SECOND_AT_128) * (params.dimension / 128) * (params.index.efConstruction / 100);
  const recall = (params.vectors * params.recallQueries * params.dimension) / 4e8;
  const seconds = Math.max(ingest, indexing) + params.afterIngest / 1000 + recall;
  const text = `query node memory ≈ ${formatBytes(queryNodeBytes, 1)} (${bytesPerVector} bytes per vector, ≈${Math.round((1024 ** 3 / bytesPerVector) / 1000)}k vectors per GiB); time ≈ ${Math.round(seconds / 60)} min per target (ingest ${Math.round(ingest)} s, indexing ${Math.round(indexing)} s on one builder thread, recall ${Math.round(recall)} s)`;
  return { bytesPerVector, vectorsPerGiB: 1024 ** 3 / bytesPerVector, queryNodeBytes, seconds, text };
}

/** Why this machine cannot run `params`, or undefined when it can. */
export function refusal(params: VectorParams, machineBytes = totalmem()): string | undefined {
  const estimate = estimateVectorRun(params);
  if (estimate.queryNodeBytes <= machineBytes * 0.8) return undefined;
  return `needs about ${formatBytes(estimate.queryNodeBytes, 1)} of memory for the query node (${estimate.bytesPerVector} bytes per vector × ${params.vectors} vectors), more than 80% of this machine's ${formatBytes(machineBytes, 1)}; run it on a bigger machine, or point the target at a real Milvus`;
}
