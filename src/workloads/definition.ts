/**
 * The workload definition: everything mqbench knows about a workload type, in the workload's own folder — its
 * parameters, its label, the metric its points are ranked on, its implementation, its own summary sections with their
 * metrics, and the steps a trial runs after it. The registry (registry.ts) lists them; nothing else names a type.
 */
import type { z } from 'zod';
import type { MetricInfo } from '../metrics/metric.js';
import type { PhaseRecord } from '../metrics/recorder.js';
import type { CeilingReading, LogDriver, ToolReading } from '../targets/driver.js';
import type { PageCacheSettle } from '../util/page-cache.js';
import type { Workload } from './workload.js';

/** A finished trial as a summariser sees it: its measured phase and what the workload kept (extras). */
export interface MeasuredTrial {
  measured: PhaseRecord;
  extras?: Record<string, unknown>;
}

/** A metric read from a workload's own summary section. */
export interface SectionMetric<Section> extends MetricInfo {
  read(section: Section): number | null;
}

/** A summary section a workload adds to its cases' summaries (`summary[key]`), and the metrics read from it. */
export interface SummarySection<Section> {
  key: string;
  /** Its shape in result files (a reader checks it). */
  schema: z.ZodType<Section>;
  /** The section from the trials' measured phases, or null when they hold none of it. */
  summarize(trials: readonly MeasuredTrial[]): Section | null;
  metrics: ReadonlyArray<SectionMetric<Section>>;
}

/** What a step after the workload gets: the trial so far and the target's log driver. */
export interface TrialStepContext<Params> {
  params: Params;
  driver: LogDriver;
  /** The trial's measured phase and failures so far. */
  measured: PhaseRecord | undefined;
  failures: readonly string[];
  /** The trial's topic prefix (the workload's topics begin with it). */
  topicPrefix: string;
  /** Messages the trial's warm-up acknowledged (0 without one). */
  warmupMessages: number;
  /** The run's seed (the trial's payloads were generated from it). */
  seed: number;
  /** Deletes one of the trial's topics now instead of at cleanup; absent when the run keeps its data. */
  dropTopic?: (topic: string) => Promise<void>;
  /** Settles the page cache (bounded), where the target's storage is on this machine. */
  settle?: () => Promise<PageCacheSettle>;
  signal: AbortSignal;
}

/** What such a step adds to the trial record. */
export interface TrialStepResult {
  ceiling?: CeilingReading;
  toolCeiling?: ToolReading;
  toolCeilingError?: string;
}

/** A workload type. */
export interface WorkloadDefinition<Params extends { type: string } = { type: string }> {
  type: Params['type'];
  /** Its parameters' fields without cross-field rules (editors, partial schemas). */
  paramsObject: z.ZodObject;
  /** Its parameters, cross-field rules included (the `workload:` section when `type` names it). */
  paramsSchema: z.ZodType<Params>;
  /** A short human label of a parameter point, e.g. "5MiB×100 random" (unique within a scenario's points). */
  label(params: Params): string;
  /** The key of the metric its points are ranked on: what its published experiment reports. */
  keyMetric(params: Params): string;
  /** Whether a point cuts its target's power, so the target's directory must be on lazyfs (default no). */
  needsLazyFs?(params: Params): boolean;
  /** How many load-client processes a point needs (default none). */
  loadClients?(params: Params): number;
  /**
   * Lines `mqbench validate` prints about a point (estimates), and, if this machine cannot run it, why and the field
   * of `workload:` to change (`run` and `validate` refuse it as invalid input).
   */
  plan?(params: Params): { notes: string[]; refusal?: { field: string; reason: string } };
  implementation: Workload<Params>;
  /** Its own summary sections (e.g. the vector workload's `vector` and `ticks`). */
  sections?: ReadonlyArray<SummarySection<any>>;
  /** Runs right after the workload while the trial is timed as a whole: an error here errors the trial. */
  afterWorkload?(context: TrialStepContext<Params>): Promise<TrialStepResult>;
  /** Runs after the trial's storage was read (its own data is not the trial's): an error here is recorded, not fatal. */
  afterTrial?(context: TrialStepContext<Params>): Promise<TrialStepResult>;
}
