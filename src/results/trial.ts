/** The serialisable record of one trial, as a worker returns it and result.json stores it. */
import { z } from 'zod';
import { phaseRecordSchema } from '../metrics/recorder.js';
import { pageCacheEvictionSchema } from '../util/page-cache-evict.js';
import { resourceSeriesSchema, sideUsageSchema } from '../metrics/sampler.js';
import { storageReadingSchema } from '../metrics/storage.js';
import { ceilingReadingSchema, driverDescriptionSchema, toolReadingSchema } from '../targets/driver.js';
import { payloadInfoSchema } from '../workloads/payload.js';
import { pageCacheSettleSchema } from '../util/page-cache.js';

/** Outcome of a trial, a case or a run. */
export const statusSchema = z.enum(['passed', 'failed', 'errored', 'incomplete']);

/** Outcome of a trial, a case or a run. */
export type Status = z.infer<typeof statusSchema>;

/**
 * Resource use over the measured phase. `scope`: `separate`, the broker's process was measured apart from the client;
 * `shared`, the broker ran inside the client's process (embedded), so the client figures are broker+client;
 * `client-only`, no broker process was known (an external endpoint), so only the client was measured.
 */
export const resourceScopeSchema = z.enum(['shared', 'separate', 'client-only']);

/** See resourceScopeSchema. */
export type ResourceScope = z.infer<typeof resourceScopeSchema>;

/** Resource use over the measured phase (see ResourceScope). */
export const trialResourcesSchema = z.object({
  scope: resourceScopeSchema,
  broker: sideUsageSchema.optional(),
  client: sideUsageSchema,
  /** RSS of the client process when the measured phase began (the harness's own baseline). */
  clientBaselineRssBytes: z.number(),
  /** Load-client processes (`clients: N`) whose CPU and memory the client figures include. */
  loadClients: z.number().optional(),
  /** Load clients on remote workers, counted in the client figures from their own reports (every 250 ms). */
  remoteLoadClients: z.number().optional(),
  /** Helper processes of the client (a Kafka consumer in kafka-reader) whose CPU and memory the client figures include. */
  clientHelpers: z.number().optional(),
  /** The memory allocator in force in the trial's process, from the libraries mapped into it (see util/allocator.ts). */
  clientAllocator: z.enum(['jemalloc', 'system']).optional(),
  series: resourceSeriesSchema,
});

/** Resource use over the measured phase. */
export type TrialResources = z.infer<typeof trialResourcesSchema>;

/** Event-loop delay of the harness during the measured phase, in ms: high values mean the harness fell behind. */
export const eventLoopDelaySchema = z.object({ mean: z.number(), p50: z.number(), p99: z.number(), max: z.number() });

/** Event-loop delay of the harness during the measured phase, in ms. */
export type EventLoopDelay = z.infer<typeof eventLoopDelaySchema>;

/** One other target's broker, up beside a trial's: its CPU over a window (seconds, and cores on average). */
export const neighbourCpuSchema = z.object({ target: z.string(), cpuSeconds: z.number(), cores: z.number() });

/**
 * The other targets' brokers up while a trial ran (a run keeps every broker it started until it ends, so targets can
 * alternate): the bounded wait for them to go quiet before the trial, and what each used during its measured phase.
 */
export const trialNeighboursSchema = z.object({
  /** The CPU, in cores, below which a neighbour counts as quiet (the scenario's neighbours.quietBelow). */
  quietBelow: z.number(),
  /** How long the trial waited for them to go quiet; `quiet`: whether they were when it began. */
  waitedMs: z.number(),
  quiet: z.boolean(),
  /** Each neighbour over the last second before the trial began. */
  atStart: z.array(neighbourCpuSchema),
  /** Each neighbour over the measured phase (the whole trial where it has none). */
  measured: z.array(neighbourCpuSchema),
});

/** See trialNeighboursSchema. */
export type TrialNeighbours = z.infer<typeof trialNeighboursSchema>;

/**
 * The whole machine over a trial's measured phase, in cores: busy (user, nice, system, irq, softirq; every process),
 * stolen by the hypervisor for other guests, and `otherCores`, what was busy beyond the trial's client and broker and
 * the other targets' brokers (absent where the client ran partly elsewhere, on remote workers).
 */
export const trialHostSchema = z.object({
  cpus: z.number(),
  busyCores: z.number(),
  stealCores: z.number(),
  otherCores: z.number().optional(),
});

/** See trialHostSchema. */
export type TrialHost = z.infer<typeof trialHostSchema>;

const trialFields = {
  number: z.number(),
  failures: z.array(z.string()),
  startedAt: z.string(),
  endedAt: z.string(),
  warmup: phaseRecordSchema.optional(),
  measured: phaseRecordSchema.optional(),
  resources: trialResourcesSchema.optional(),
  /** Other targets' brokers up beside this one (multi-target runs with more than one broker). */
  neighbours: trialNeighboursSchema.optional(),
  /** The brokers' data dropped from the page cache before the trial (the scenario's pageCache.evict). */
  evicted: pageCacheEvictionSchema.optional(),
  /** The machine's CPU over the measured phase (Linux). */
  host: trialHostSchema.optional(),
  /**
   * Bytes the trial wrote: the growth of each file of the broker's data between the start and the end of the trial
   * (`before`/`after` are the totals). `reclaimed`: the broker freed earlier data meanwhile, so the total shrank.
   */
  storage: storageReadingSchema.extend({ before: storageReadingSchema, after: storageReadingSchema, reclaimed: z.boolean().optional() }).optional(),
  eventLoopDelayMs: eventLoopDelaySchema.optional(),
  payload: payloadInfoSchema.optional(),
  driver: driverDescriptionSchema.optional(),
  /** Raw throughput of the target's backend, measured after the workload (stream workload, targets that support it). */
  ceiling: ceilingReadingSchema.optional(),
  /** The broker's own perf tool run against the same broker after the workload (stream workload, server targets). */
  toolCeiling: toolReadingSchema.optional(),
  /** Why the perf tool run failed (the trial itself still counts). */
  toolCeilingError: z.string().optional(),
  /** The page cache settled (`sync`) before the measured window, which a perf tool's window is compared with. */
  settled: pageCacheSettleSchema.optional(),
  /** Workload-specific results (e.g. the vector workload's recall, segment statistics and per-second series). */
  extras: z.record(z.string(), z.unknown()).optional(),
};

/**
 * One trial, by its outcome: `passed` (every check held), `failed` (it ran, and `failures` say which checks did not
 * hold), `errored` (it could not run to the end: `error` says why), `incomplete` (interrupted).
 */
export const trialRecordSchema = z.discriminatedUnion('status', [
  z.object({ ...trialFields, status: z.literal('passed'), error: z.undefined().optional() }),
  z.object({ ...trialFields, status: z.literal('failed'), error: z.undefined().optional() }),
  z.object({ ...trialFields, status: z.literal('errored'), error: z.string() }),
  z.object({ ...trialFields, status: z.literal('incomplete'), error: z.string().optional() }),
]);

/** One trial (a union on `status`). */
export type TrialRecord = z.infer<typeof trialRecordSchema>;

/** A trial while it is recorded: any status, an error where one happened. */
export type TrialDraft = z.infer<z.ZodObject<typeof trialFields>> & { status: Status; error?: string };

/** The record of a finished draft, its status and error made to agree: an errored trial always says why. */
export function finishTrial(draft: TrialDraft): TrialRecord {
  if (draft.status === 'errored') return { ...draft, status: 'errored', error: draft.error ?? 'unknown error' };
  if (draft.status === 'incomplete') return { ...draft, status: 'incomplete' };
  const { error: _error, ...rest } = draft;
  return { ...rest, status: draft.status };
}
