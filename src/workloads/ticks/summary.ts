/** The ticks section of a case summary: time-tick lag, overall and per channel, and the modelled wait of a Strong read. */
import { z } from 'zod';
import { latencySummarySchema, mergedLatency } from '../../metrics/histogram.js';
import type { MeasuredTrial, SummarySection } from '../definition.js';

/** The histograms the ticks workload (and the vector workload's broker backend) record. */
export const TICK_HISTOGRAMS = {
  /** Publish→deliver lag of every time tick. */
  lag: 'tickLagUs',
  /** The same per channel: `tickLagUs.ch<N>`. */
  lagOfChannel: (channel: number) => `tickLagUs.ch${channel}`,
  /** The modelled wait of a Strong read: the next tick, plus its lag. */
  strongReadWait: 'strongReadWaitUs',
} as const;

/** The ticks section. */
export const ticksSummarySchema = z.object({
  lagMs: latencySummarySchema,
  strongReadWaitMs: latencySummarySchema,
  lagByChannelMs: z.record(z.string(), latencySummarySchema),
});

/** The ticks section. */
export type TicksSummary = z.infer<typeof ticksSummarySchema>;

function summarizeTicks(trials: readonly MeasuredTrial[]): TicksSummary | null {
  const phases = trials.map((trial) => trial.measured);
  const names = new Set(phases.flatMap((phase) => Object.keys(phase.histograms)));
  if (!names.has(TICK_HISTOGRAMS.lag)) return null;
  const prefix = `${TICK_HISTOGRAMS.lag}.`;
  const channels = [...names].filter((name) => name.startsWith(prefix)).sort((a, b) => Number(a.split('.ch')[1]) - Number(b.split('.ch')[1]));
  return {
    lagMs: mergedLatency(phases, TICK_HISTOGRAMS.lag),
    strongReadWaitMs: mergedLatency(phases, TICK_HISTOGRAMS.strongReadWait),
    lagByChannelMs: Object.fromEntries(channels.map((name) => [name.slice(prefix.length), mergedLatency(phases, name)])),
  };
}

/** `summary.ticks` and its metrics. */
export const ticksSection: SummarySection<TicksSummary> = {
  key: 'ticks',
  schema: ticksSummarySchema,
  summarize: summarizeTicks,
  metrics: [
    { key: 'ticks.lagMs.p50', label: 'tick lag p50', unit: 'ms', better: 'lower', read: (s) => s.lagMs.p50 },
    { key: 'ticks.lagMs.p99', label: 'tick lag p99', unit: 'ms', better: 'lower', read: (s) => s.lagMs.p99 },
    { key: 'ticks.strongReadWaitMs.p50', label: 'Strong wait p50', unit: 'ms', better: 'lower', read: (s) => s.strongReadWaitMs.p50 },
    { key: 'ticks.strongReadWaitMs.p99', label: 'Strong wait p99', unit: 'ms', better: 'lower', read: (s) => s.strongReadWaitMs.p99 },
  ],
};
