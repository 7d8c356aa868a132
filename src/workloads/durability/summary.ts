/** The durability section of a case summary: the classification summed over trials, and what the faults cost. */
import { z } from 'zod';
import { median } from '../../util/stats.js';
import type { MeasuredTrial, SummarySection } from '../definition.js';
import type { DurabilityExtras } from './durability.js';

const faultSummarySchema = z.object({
  kind: z.string(),
  atMs: z.number(),
  /** Medians over the trials where the fault ran. */
  restartMs: z.number().nullable(),
  unavailableMs: z.number().nullable(),
  firstAckAfterReadyMs: z.number().nullable(),
  /** From ready again to the writer's new producer (faults that restart the target; absent in files before it). */
  reconnectedAfterReadyMs: z.number().nullable().optional(),
  throughput: z.object({ before: z.number(), during: z.number(), after: z.number() }),
  /** power-loss: the unsynced bytes lazyfs forgot (median). */
  droppedBytes: z.number().nullable(),
});

/** The durability section. */
export const durabilitySummarySchema = z.object({
  trials: z.number(),
  sent: z.number(),
  acknowledged: z.number(),
  failed: z.number(),
  timedOut: z.number(),
  lateAcknowledged: z.number(),
  readBack: z.number(),
  acknowledgedLost: z.number(),
  /** The most acknowledged messages one trial lost. */
  acknowledgedLostMax: z.number(),
  unacknowledgedPresent: z.number(),
  duplicated: z.number(),
  outOfOrder: z.number(),
  corrupt: z.number(),
  fsyncBeforeAck: z.boolean().nullable(),
  /** Median over trials of each trial's longest unavailability. */
  unavailableMs: z.number().nullable(),
  faults: z.array(faultSummarySchema),
});

/** The durability section. */
export type DurabilitySummary = z.infer<typeof durabilitySummarySchema>;

const COUNTS = ['sent', 'acknowledged', 'failed', 'timedOut', 'lateAcknowledged', 'readBack', 'acknowledgedLost', 'unacknowledgedPresent', 'duplicated', 'outOfOrder', 'corrupt'] as const;

function summarizeDurability(trials: readonly MeasuredTrial[]): DurabilitySummary | null {
  const extras = trials.map((trial) => trial.extras?.durability as DurabilityExtras | undefined).filter((entry) => entry !== undefined);
  if (extras.length === 0) return null;
  const sum = (key: (typeof COUNTS)[number]) => extras.reduce((total, entry) => total + entry[key], 0);
  const medianOf = (values: number[]) => (values.length > 0 ? median(values) : null);
  const longest = extras.map((entry) => Math.max(0, ...entry.faults.map((fault) => fault.window.unavailableMs)));
  const faults = (extras[0]?.faults ?? []).map((first, index) => {
    const applied = extras.map((entry) => entry.faults[index]).filter((fault) => fault !== undefined);
    const pick = (read: (fault: (typeof applied)[number]) => number | null | undefined) => medianOf(applied.map(read).filter((value): value is number => typeof value === 'number'));
    return {
      kind: first.kind,
      atMs: first.atMs,
      restartMs: pick((fault) => fault.outcome.restartMs),
      unavailableMs: pick((fault) => fault.window.unavailableMs),
      firstAckAfterReadyMs: pick((fault) => fault.window.firstAckAfterReadyMs),
      reconnectedAfterReadyMs: pick((fault) => fault.reconnect?.afterReadyMs),
      throughput: { before: pick((f) => f.window.throughput.before)!, during: pick((f) => f.window.throughput.during)!, after: pick((f) => f.window.throughput.after)! },
      droppedBytes: pick((fault) => fault.outcome.dropped?.lostBytes),
    };
  });
  return {
    trials: extras.length,
    ...(Object.fromEntries(COUNTS.map((key) => [key, sum(key)])) as Record<(typeof COUNTS)[number], number>),
    acknowledgedLostMax: Math.max(...extras.map((entry) => entry.acknowledgedLost)),
    fsyncBeforeAck: extras[0]!.fsyncBeforeAck,
    unavailableMs: medianOf(longest),
    faults,
  };
}

/** `summary.durability` and its metrics. */
export const durabilitySection: SummarySection<DurabilitySummary> = {
  key: 'durability',
  schema: durabilitySummarySchema,
  summarize: summarizeDurability,
  metrics: [
    { key: 'durability.acknowledgedLost', label: 'acked lost', unit: 'count', better: 'lower', read: (s) => s.acknowledgedLost },
    { key: 'durability.unacknowledgedPresent', label: 'unacked present', unit: 'count', better: 'lower', read: (s) => s.unacknowledgedPresent },
    { key: 'durability.unavailableMs', label: 'unavailable', unit: 'ms', better: 'lower', read: (s) => s.unavailableMs },
  ],
};
