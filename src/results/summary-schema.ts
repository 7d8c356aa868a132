/** The case summary's shape in result files: one zod schema, from which the CaseSummary type comes. */
import { z } from 'zod';
import { deliveryCountsSchema } from '../metrics/delivery-counts.js';
import { latencySummarySchema } from '../metrics/histogram.js';
import { settingValueSchema } from '../targets/driver.js';
import { estimateSchema } from '../util/statistics.js';
import { ticksSummarySchema } from '../workloads/ticks/summary.js';
import { durabilitySummarySchema } from '../workloads/durability/summary.js';
import { vectorSummarySchema } from '../workloads/vector/summary.js';
import { resourceScopeSchema } from './trial.js';

const brokerAndClient = z.object({ broker: z.number().nullable(), client: z.number() });

/** A perf tool's median msg/s and MB/s over trials, with one trial's command line and settings. */
export const toolSummarySchema = z.object({
  tool: z.string(),
  messagesPerSec: z.number(),
  megabytesPerSec: z.number(),
  command: z.string(),
  settings: z.record(z.string(), settingValueSchema),
});

/** A perf tool's medians over trials. */
export type ToolSummary = z.infer<typeof toolSummarySchema>;

/** The summary of a case. Field names are a contract read by gates and comparisons: extend, never rename. */
export const caseSummarySchema = z.object({
  /** Trials that contributed (those with a measured phase). */
  trials: z.number(),
  /** Wall time per operation over every measured operation of every trial (pub/sub); null for other workloads. */
  opSeconds: z.object({ mean: z.number(), p50: z.number(), p99: z.number(), count: z.number() }).nullable(),
  publishLatencyMs: latencySummarySchema,
  e2eLatencyMs: latencySummarySchema,
  /**
   * Delivered messages and payload MB (10^6 bytes) per second over the operations' time (or the measured phase); and,
   * where the phase recorded its write window, acknowledged ones from the phase start to the last acknowledgement
   * (null otherwise). Medians over trials.
   */
  throughput: z.object({
    messagesPerSec: z.number(),
    megabytesPerSec: z.number(),
    writeMessagesPerSec: z.number().nullable().optional(),
    writeMegabytesPerSec: z.number().nullable().optional(),
    /** Delivered per second of the read-back (consumer opened to last delivery), where a backlog was read after the writes. */
    readMessagesPerSec: z.number().nullable().optional(),
    readMegabytesPerSec: z.number().nullable().optional(),
  }),
  /** CPU seconds over the measured phase; median over trials. broker is null when it shares the client process. */
  cpuSeconds: brokerAndClient,
  /** Average cores busy over the measured phase. */
  cpuCores: brokerAndClient,
  peakRssBytes: brokerAndClient,
  meanRssBytes: brokerAndClient,
  /** See ResourceScope: the broker figures are null unless `separate`; for `shared` the client figures are broker+client. */
  resourceScope: resourceScopeSchema,
  /** Median over trials of the bytes a trial wrote (see TrialRecord.storage); null when no trial measured it. */
  storageBytes: z.number().nullable(),
  storageBytesPerMessage: z.number().nullable(),
  /** The measured messages' delivery check, summed over trials. */
  delivery: deliveryCountsSchema,
  /** The warm-up's, apart (a loss there fails the case too). Absent in results written before 2026-11-30. */
  warmupDelivery: deliveryCountsSchema.optional(),
  /** Harness event-loop delay (worst trial): a high p99 means the harness itself was a bottleneck. */
  eventLoopDelayMs: z.object({ p99: z.number(), max: z.number() }),
  /** Open-loop: how late sends went out after their intended time, and how many were later than `lateAfter`. */
  sendDelayMs: latencySummarySchema,
  lateSends: z.number(),
  /** Raw backend throughput measured in the same run (median over trials), where the target supports it. */
  ceiling: z.object({ megabytesPerSec: z.number(), method: z.string() }).nullable(),
  /**
   * Each trial's write MB/s (delivered MB/s where no write window is known) over the ceiling measured in that same
   * trial; the median over trials. Pairing within a trial cancels the drift of a shared disk between trials.
   */
  ratioToCeiling: z.number().nullable(),
  /**
   * The broker's own perf tool run against the same broker after each trial (median msg/s and MB/s over trials), with
   * the command line and settings of one of them; null where no trial ran it.
   */
  toolCeiling: toolSummarySchema.extend({ readBack: toolSummarySchema.nullable().optional() }).nullable().optional(),
  /**
   * Each trial's write msg/s over the tool's msg/s in that same trial, median over trials: below ~0.8 mqbench's own
   * client, not the broker, limits the figures.
   */
  clientEfficiency: z.number().nullable().optional(),
  /** The same for the read side: each trial's read-back msg/s over the tool's consumer's, median over trials. */
  readEfficiency: z.number().nullable().optional(),
  /** Why the perf tool could not run, when no trial ran it. */
  toolCeilingError: z.string().nullable().optional(),
  /** Why the tool's consumer could not read back, when no trial's did. */
  toolReadBackError: z.string().nullable().optional(),
  /**
   * The workloads' own sections (workloads/<type>/summary.ts), null for other workloads: the vector workload's reads,
   * recall, ingest and visibility; the ticks workload's (and the vector workload's) time-tick lag; the durability
   * workload's classification and faults.
   */
  vector: vectorSummarySchema.nullable().default(null),
  ticks: ticksSummarySchema.nullable().default(null),
  durability: durabilitySummarySchema.nullable().default(null),
  /**
   * Per metric (catalogue key): each trial's own value, their median with a bootstrap 95% CI, and the coefficient of
   * variation across trials. Gates and comparisons use these; the figures above summarise all trials together.
   */
  trialStats: z.record(z.string(), estimateSchema.extend({ values: z.array(z.number()) })).default({}),
});

/** The summary of a case. */
export type CaseSummary = z.infer<typeof caseSummarySchema>;
