/** The serialisable record of one trial, as a worker returns it and result.json stores it. */
import type { PhaseRecord } from '../metrics/recorder.js';
import type { ResourceSeries, SideUsage } from '../metrics/sampler.js';
import type { StorageReading } from '../metrics/storage.js';
import type { CeilingReading, DriverDescription, ToolReading } from '../targets/driver.js';
import type { PayloadInfo } from '../workloads/payload.js';

/** Outcome of a trial, a case or a run. */
export type Status = 'passed' | 'failed' | 'errored' | 'incomplete';

/**
 * Resource use over the measured phase. `scope`: `separate`, the broker's process was measured apart from the client;
 * `shared`, the broker ran inside the client's process (embedded), so the client figures are broker+client;
 * `client-only`, no broker process was known (an external endpoint), so only the client was measured.
 */
export type ResourceScope = 'shared' | 'separate' | 'client-only';

/** Resource use over the measured phase (see ResourceScope). */
export interface TrialResources {
  scope: ResourceScope;
  broker?: SideUsage;
  client: SideUsage;
  /** RSS of the client process when the measured phase began (the harness's own baseline). */
  clientBaselineRssBytes: number;
  /** Load-client processes (`clients: N`) whose CPU and memory the client figures include. */
  loadClients?: number;
  series: ResourceSeries;
}

/** Event-loop delay of the harness during the measured phase, in ms: high values mean the harness fell behind. */
export interface EventLoopDelay {
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

/** One trial. */
export interface TrialRecord {
  number: number;
  status: Status;
  error?: string;
  failures: string[];
  startedAt: string;
  endedAt: string;
  warmup?: PhaseRecord;
  measured?: PhaseRecord;
  resources?: TrialResources;
  /**
   * Bytes the trial wrote: the growth of each file of the broker's data between the start and the end of the trial
   * (`before`/`after` are the totals). `reclaimed`: the broker freed earlier data meanwhile, so the total shrank.
   */
  storage?: StorageReading & { before: StorageReading; after: StorageReading; reclaimed?: boolean };
  eventLoopDelayMs?: EventLoopDelay;
  payload?: PayloadInfo;
  driver?: DriverDescription;
  /** Raw throughput of the target's backend, measured after the workload (stream workload, targets that support it). */
  ceiling?: CeilingReading;
  /** The broker's own perf tool run against the same broker after the workload (stream workload, server targets). */
  toolCeiling?: ToolReading;
  /** Why the perf tool run failed (the trial itself still counts). */
  toolCeilingError?: string;
  /** Workload-specific results (e.g. the vector workload's recall, segment statistics and per-second series). */
  extras?: Record<string, unknown>;
}
