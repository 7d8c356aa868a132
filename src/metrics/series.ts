/** Per-interval series of throughput and latency: counts per interval, and latency percentiles per interval. */
import { z } from 'zod';
import { createHistogram, recordMs, type Histogram } from './histogram.js';

/** Series of one phase; index i covers [i·interval, (i+1)·interval) after the phase start. */
export const throughputSeriesSchema = z.object({
  intervalMs: z.number(),
  acknowledgedMessages: z.array(z.number()),
  deliveredMessages: z.array(z.number()),
  deliveredBytes: z.array(z.number()),
  e2eP50Ms: z.array(z.number()),
  e2eP99Ms: z.array(z.number()),
});

/** Per-interval counts and end-to-end percentiles of a phase. */
export type ThroughputSeries = z.infer<typeof throughputSeriesSchema>;

/** Accumulates a ThroughputSeries from timestamped events (events arrive roughly in time order). */
export class IntervalSeries {
  private readonly data: ThroughputSeries;
  private readonly current: Histogram = createHistogram();
  private currentIndex = -1;

  constructor(
    private readonly startMs: number,
    intervalMs = 1000,
  ) {
    this.data = { intervalMs, acknowledgedMessages: [], deliveredMessages: [], deliveredBytes: [], e2eP50Ms: [], e2eP99Ms: [] };
  }

  /** Counts an acknowledged send at `atMs`. */
  acknowledged(atMs: number): void {
    this.data.acknowledgedMessages[this.slot(atMs)]! += 1;
  }

  /** Counts a delivery of `bytes` with end-to-end latency `e2eMs` at `atMs`. */
  delivered(atMs: number, bytes: number, e2eMs: number | undefined): void {
    const index = this.slot(atMs);
    this.data.deliveredMessages[index]! += 1;
    this.data.deliveredBytes[index]! += bytes;
    if (index !== this.currentIndex) this.closeInterval(index);
    if (e2eMs !== undefined) recordMs(this.current, e2eMs);
  }

  /** Adds acknowledgement counts per interval counted elsewhere over the same intervals (a load client's). */
  addAcknowledged(counts: readonly number[]): void {
    if (counts.length === 0) return;
    this.slot(this.startMs + (counts.length - 1) * this.data.intervalMs);
    counts.forEach((count, index) => (this.data.acknowledgedMessages[index]! += count));
  }

  /** The finished series. */
  finish(): ThroughputSeries {
    this.closeInterval(-1);
    this.current.destroy();
    return this.data;
  }

  private slot(atMs: number): number {
    const index = Math.max(0, Math.floor((atMs - this.startMs) / this.data.intervalMs));
    for (const list of [this.data.acknowledgedMessages, this.data.deliveredMessages, this.data.deliveredBytes]) {
      while (list.length <= index) list.push(0);
    }
    return index;
  }

  private closeInterval(nextIndex: number): void {
    if (this.currentIndex >= 0 && this.current.totalCount > 0) {
      while (this.data.e2eP50Ms.length < this.currentIndex) {
        this.data.e2eP50Ms.push(0);
        this.data.e2eP99Ms.push(0);
      }
      this.data.e2eP50Ms[this.currentIndex] = this.current.getValueAtPercentile(50) / 1000;
      this.data.e2eP99Ms[this.currentIndex] = this.current.getValueAtPercentile(99) / 1000;
    }
    this.current.reset();
    this.currentIndex = nextIndex;
  }
}
