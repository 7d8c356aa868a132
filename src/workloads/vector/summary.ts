/** The vector section of a case summary: reads per consistency level, recall, ingest and visibility. */
import { z } from 'zod';
import { latencySummarySchema, mergedLatency } from '../../metrics/histogram.js';
import { median } from '../../util/stats.js';
import { consistencyLevels, type ConsistencyLevel } from '../../targets/vector-store.js';
import type { MeasuredTrial, SectionMetric, SummarySection } from '../definition.js';

/** The histograms the vector workload records. */
export const VECTOR_HISTOGRAMS = {
  /** A read's latency from its intended time (queueing included), per kind and level: `searchUs.Strong`. */
  latency: (kind: ReadKind, level: string) => `${kind}Us.${level}`,
  /** The part of it spent waiting for the serviceable time: `searchWaitUs.Strong`. */
  wait: (kind: ReadKind, level: string) => `${kind}WaitUs.${level}`,
  /** Insert → rows in the query node. */
  visibility: 'visibilityUs',
} as const;

/** The two kinds of read. */
export type ReadKind = 'search' | 'query';

/** What the workload keeps in a trial's extras (`extras.vector`, `extras.recall`). */
export interface VectorExtras {
  vector?: { backend: string; insertedRows: number; ingestSeconds?: number; stats: { sealed: number; indexBuildSeconds: number } } & Record<string, unknown>;
  recall?: { k: number; queries: number; recall: number; rows: number; exactSearchSeconds: number };
}

/** Latency, wait, rate and the waiting share of the reads of one kind at one level. */
const readSummarySchema = z.object({ latencyMs: latencySummarySchema, waitMs: latencySummarySchema, rps: z.number(), waitShare: z.number() });

/** The vector section. */
export const vectorSummarySchema = z.object({
  /** Per consistency level: latency from the intended time (queueing included), the part spent waiting for the
   * serviceable time, requests per second completed, and the waiting share of the mean latency. */
  search: z.record(z.string(), readSummarySchema),
  query: z.record(z.string(), readSummarySchema),
  recallAtK: z.number().nullable(),
  k: z.number().nullable(),
  /** Rows per second over the ingest (first insert to last acknowledgement), not the whole measured phase. */
  ingestRowsPerSec: z.number(),
  /** Insert → rows in the query node (searchable by Eventually reads). */
  visibilityMs: latencySummarySchema,
  sealedSegments: z.number().nullable(),
  indexBuildSeconds: z.number().nullable(),
});

/** The vector section. */
export type VectorSummary = z.infer<typeof vectorSummarySchema>;

function summarizeVector(trials: readonly MeasuredTrial[]): VectorSummary | null {
  const phases = trials.map((trial) => trial.measured);
  const names = new Set(phases.flatMap((phase) => Object.keys(phase.histograms)));
  const levelsOf = (kind: ReadKind) => consistencyLevels.filter((level) => names.has(VECTOR_HISTOGRAMS.latency(kind, level)));
  if (!names.has(VECTOR_HISTOGRAMS.visibility) && levelsOf('search').length === 0) return null;
  const seconds = phases.reduce((sum, phase) => sum + phase.durationSeconds, 0);
  const reads = (kind: ReadKind) =>
    Object.fromEntries(
      levelsOf(kind).map((level) => {
        const latencyMs = mergedLatency(phases, VECTOR_HISTOGRAMS.latency(kind, level));
        const waitMs = mergedLatency(phases, VECTOR_HISTOGRAMS.wait(kind, level));
        return [level, { latencyMs, waitMs, rps: seconds > 0 ? latencyMs.count / seconds : 0, waitShare: latencyMs.mean > 0 ? waitMs.mean / latencyMs.mean : 0 }];
      }),
    );
  const extras = trials.map((trial) => (trial.extras ?? {}) as VectorExtras);
  const recall = extras.flatMap((extra) => (extra.recall ? [extra.recall] : []));
  const vector = extras.flatMap((extra) => (extra.vector ? [extra.vector] : []));
  // Rows over the ingest's own duration (results before ingestSeconds existed: over the measured phase).
  const ingestSeconds = vector.every((entry) => entry.ingestSeconds !== undefined) ? vector.reduce((sum, entry) => sum + entry.ingestSeconds!, 0) : seconds;
  return {
    search: reads('search'),
    query: reads('query'),
    recallAtK: recall.length === 0 ? null : median(recall.map((entry) => entry.recall)),
    k: recall[0]?.k ?? null,
    ingestRowsPerSec: ingestSeconds > 0 ? vector.reduce((sum, entry) => sum + entry.insertedRows, 0) / ingestSeconds : 0,
    visibilityMs: mergedLatency(phases, VECTOR_HISTOGRAMS.visibility),
    sealedSegments: vector.length === 0 ? null : median(vector.map((entry) => entry.stats.sealed)),
    indexBuildSeconds: vector.length === 0 ? null : median(vector.map((entry) => entry.stats.indexBuildSeconds)),
  };
}

function measuredField(summary: { count: number; mean: number; p99: number } | undefined, field: 'mean' | 'p99'): number | null {
  return summary && summary.count > 0 ? summary[field] : null;
}

const levelMetrics = (level: ConsistencyLevel): Array<SectionMetric<VectorSummary>> => [
  { key: `vector.search.${level}.latencyMs.mean`, label: `search ${level} mean`, unit: 'ms', better: 'lower', read: (s) => measuredField(s.search[level]?.latencyMs, 'mean') },
  { key: `vector.search.${level}.latencyMs.p99`, label: `search ${level} p99`, unit: 'ms', better: 'lower', read: (s) => measuredField(s.search[level]?.latencyMs, 'p99') },
  { key: `vector.search.${level}.rps`, label: `search ${level} RPS`, unit: 'messages/s', better: 'higher', read: (s) => s.search[level]?.rps ?? null },
  { key: `vector.query.${level}.latencyMs.mean`, label: `query ${level} mean`, unit: 'ms', better: 'lower', read: (s) => measuredField(s.query[level]?.latencyMs, 'mean') },
  { key: `vector.query.${level}.rps`, label: `query ${level} RPS`, unit: 'messages/s', better: 'higher', read: (s) => s.query[level]?.rps ?? null },
];

/** `summary.vector` and its metrics. */
export const vectorSection: SummarySection<VectorSummary> = {
  key: 'vector',
  schema: vectorSummarySchema,
  summarize: summarizeVector,
  metrics: [
    ...consistencyLevels.flatMap(levelMetrics),
    { key: 'vector.recallAtK', label: 'recall@k', unit: 'ratio', better: 'higher', read: (s) => s.recallAtK },
    { key: 'vector.ingestRowsPerSec', label: 'ingest rows/s', unit: 'messages/s', better: 'higher', read: (s) => s.ingestRowsPerSec },
    { key: 'vector.visibilityMs.p99', label: 'visibility p99', unit: 'ms', better: 'lower', read: (s) => measuredField(s.visibilityMs, 'p99') },
  ],
};
