/** The recorder workloads write into: one PhaseRecorder for warm-up (shown, not summarised) and one for the measurement. */
import { z } from 'zod';
import { addDelivery, deliveryCountsSchema, emptyDelivery, type DeliveryCounts } from './delivery-counts.js';
import { addEncoded, createHistogram, encodeHistogram, recordMs, type Histogram } from './histogram.js';
import { IntervalSeries, throughputSeriesSchema } from './series.js';

/** The serialisable record of one phase of a trial. */
export const phaseRecordSchema = z.object({
  startedAt: z.string(),
  endedAt: z.string(),
  durationSeconds: z.number(),
  /**
   * From the phase start to its last acknowledgement: the time the writes took, without the wait for the consumer
   * to catch up. Absent when nothing was acknowledged (and in results written before it existed).
   */
  writeSeconds: z.number().optional(),
  /**
   * A backlog read back after the writes (a stream with `consumer: after`): every message it delivered (the warm-up's,
   * read first, included) and the seconds from opening the consumer to the last delivery. Timed from the open, not
   * from the first delivery, so a consumer that hands over messages in large batches is not timed from its first.
   */
  readBack: z
    .object({
      seconds: z.number(),
      messages: z.number(),
      bytes: z.number(),
      /** From opening the consumer to its first delivery (part of `seconds`): subscribing, joining, the first fetch. */
      firstMessageSeconds: z.number().optional(),
    })
    .optional(),
  /** Wall time of each completed operation (pub/sub), in seconds. */
  opSeconds: z.array(z.number()),
  /**
   * HDR histograms (µs), compressed base64. sendDelayUs: actual − intended send time (open-loop); workloads may add
   * named ones (e.g. tickLagUs, strongReadWaitUs).
   */
  histograms: z.object({ publishLatencyUs: z.string(), e2eLatencyUs: z.string(), sendDelayUs: z.string() }).catchall(z.string()),
  counters: z.object({
    messagesAcknowledged: z.number(),
    bytesAcknowledged: z.number(),
    messagesDelivered: z.number(),
    bytesDelivered: z.number(),
    /** Open-loop sends later than the workload's `lateAfter`. */
    lateSends: z.number(),
  }),
  delivery: deliveryCountsSchema,
  /**
   * The warm-up's delivery check where the warm-up's messages were verified in this phase (streams: one consumer reads
   * both, told apart by the envelope's warm-up flag); pub/sub keeps it in the warm-up phase's own `delivery`.
   */
  warmupDelivery: deliveryCountsSchema.optional(),
  series: throughputSeriesSchema,
  /**
   * The longest time in the phase with nothing acknowledged and nothing delivered (between two such events, from the
   * phase start to the first, or from opening a read-back's consumer to its first delivery): a paused or stalled broker
   * shows here even when no timeout fired. The time between the last write and opening the read-back is not a pause.
   */
  longestPause: z.object({ seconds: z.number(), from: z.string() }).optional(),
});

/** The serialisable record of one phase of a trial. */
export type PhaseRecord = z.infer<typeof phaseRecordSchema>;

/** Records latencies, counts, operations and delivery checks of one phase. */
export class PhaseRecorder {
  private readonly publishLatency = createHistogram();
  private readonly e2eLatency = createHistogram();
  private readonly sendDelay = createHistogram();
  private readonly named = new Map<string, Histogram>();
  private readonly opSeconds: number[] = [];
  private readonly counters = { messagesAcknowledged: 0, bytesAcknowledged: 0, messagesDelivered: 0, bytesDelivered: 0, lateSends: 0 };
  private finished = false;
  private delivery = emptyDelivery();
  private warmupDelivery: DeliveryCounts | undefined;
  private readonly series: IntervalSeries;
  private readonly startedAtMs: number;
  private endedAtMs: number | undefined;
  private lastAcknowledgedAtMs: number | undefined;
  private readBack: { startMs: number; firstMs?: number; lastMs?: number; messages: number; bytes: number } | undefined;
  private lastActivityMs: number | undefined;
  private longestPause = { ms: 0, fromMs: 0 };

  constructor(
    startMs: number,
    private readonly clock: () => number,
    /** Width of the throughput series' buckets. */
    readonly seriesIntervalMs = 1000,
  ) {
    this.startedAtMs = startMs;
    this.series = new IntervalSeries(startMs, seriesIntervalMs);
  }

  /** When the phase started (epoch ms). */
  get startMs(): number {
    return this.startedAtMs;
  }

  /** Messages the broker acknowledged in this phase so far (absorbed load clients' included). */
  get messagesAcknowledged(): number {
    return this.counters.messagesAcknowledged;
  }

  /** An open-loop send `delayMs` after its intended time; late when past the workload's threshold. */
  recordSendDelay(delayMs: number, late: boolean): void {
    if (this.finished) return;
    recordMs(this.sendDelay, Math.max(0, delayMs));
    if (late) this.counters.lateSends += 1;
  }

  /** A latency for a workload-specific histogram (e.g. "tickLagUs"). Ignored once the phase's record was taken. */
  recordNamed(name: string, milliseconds: number): void {
    if (this.finished) return;
    let histogram = this.named.get(name);
    if (!histogram) this.named.set(name, (histogram = createHistogram()));
    recordMs(histogram, milliseconds);
  }

  /** A send of `bytes` acknowledged after `latencyMs`. Ignored once the phase's record was taken. */
  recordPublish(latencyMs: number, bytes: number, atMs: number): void {
    if (this.finished) return;
    recordMs(this.publishLatency, latencyMs);
    this.counters.messagesAcknowledged += 1;
    this.counters.bytesAcknowledged += bytes;
    this.lastAcknowledgedAtMs = Math.max(this.lastAcknowledgedAtMs ?? atMs, atMs);
    this.series.acknowledged(atMs);
    this.activity(atMs);
  }

  /** An acknowledgement or a delivery at `atMs`: ends a pause. */
  private activity(atMs: number): void {
    const since = this.lastActivityMs ?? this.startedAtMs;
    if (atMs - since > this.longestPause.ms) this.longestPause = { ms: atMs - since, fromMs: since };
    this.lastActivityMs = Math.max(since, atMs);
  }

  /**
   * Adds the write side of a phase recorded elsewhere over the same intervals (a load client's, started at this phase's
   * start): its send and acknowledgement latencies, counts and series.
   */
  absorbWrites(record: PhaseRecord): void {
    if (this.finished) return;
    addEncoded(this.publishLatency, record.histograms.publishLatencyUs);
    addEncoded(this.sendDelay, record.histograms.sendDelayUs);
    this.counters.messagesAcknowledged += record.counters.messagesAcknowledged;
    this.counters.bytesAcknowledged += record.counters.bytesAcknowledged;
    this.counters.lateSends += record.counters.lateSends;
    if (record.writeSeconds !== undefined) {
      // Relative to this phase's start: the record's own start is in its process's clock, which may be another machine's.
      const lastMs = this.startedAtMs + record.writeSeconds * 1000;
      this.lastAcknowledgedAtMs = Math.max(this.lastAcknowledgedAtMs ?? lastMs, lastMs);
    }
    this.series.addAcknowledged(record.series.acknowledgedMessages);
  }

  /** The median end-to-end latency recorded so far, ms; undefined when none was. */
  e2eMedianMs(): number | undefined {
    return this.e2eLatency.totalCount > 0 ? this.e2eLatency.getValueAtPercentile(50) / 1000 : undefined;
  }

  /** A verified delivery of `bytes`, `e2eMs` after its intended send time (undefined: read back later, not timed). */
  recordDelivery(e2eMs: number | undefined, bytes: number, atMs: number): void {
    if (this.finished) return;
    if (e2eMs !== undefined) recordMs(this.e2eLatency, e2eMs);
    this.counters.messagesDelivered += 1;
    this.counters.bytesDelivered += bytes;
    this.series.delivered(atMs, bytes, e2eMs);
    this.activity(atMs);
  }

  /** The workload starts reading a backlog back after its writes (it opens the consumer now). */
  beginReadBack(atMs: number): void {
    if (this.readBack) return;
    this.readBack = { startMs: atMs, messages: 0, bytes: 0 };
    // The workload's own step between its last write and opening the consumer is not the broker pausing.
    if (this.lastActivityMs !== undefined) this.lastActivityMs = Math.max(this.lastActivityMs, atMs);
  }

  /** A message of the read-back (warm-up or measured) was delivered. */
  recordReadBack(bytes: number, atMs: number): void {
    if (this.finished || !this.readBack) return;
    this.readBack.messages += 1;
    this.readBack.bytes += bytes;
    this.readBack.firstMs ??= atMs;
    this.readBack.lastMs = atMs;
    // The warm-up's messages, read back first, are deliveries too: no pause while they arrive.
    this.activity(atMs);
  }

  /** A completed operation and its delivery check. */
  recordOperation(seconds: number, delivery: DeliveryCounts): void {
    this.opSeconds.push(seconds);
    this.addDelivery(delivery);
  }

  /** Adds a delivery check not tied to an operation (streams, or an operation cut short). */
  addDelivery(delivery: DeliveryCounts): void {
    this.delivery = addDelivery(this.delivery, delivery);
  }

  /** Adds the warm-up's delivery check, verified during this phase (see PhaseRecord.warmupDelivery). */
  addWarmupDelivery(delivery: DeliveryCounts): void {
    this.warmupDelivery = addDelivery(this.warmupDelivery ?? emptyDelivery(), delivery);
  }

  /** Marks the end of the phase (idempotent). */
  end(): void {
    this.endedAtMs ??= this.clock();
  }

  /** True once toRecord() was called: later recordings are ignored (e.g. warm-up messages arriving late). */
  get closed(): boolean {
    return this.finished;
  }

  /** The serialisable record; ends the phase if it has not ended. Call once. */
  toRecord(): PhaseRecord {
    this.end();
    const record: PhaseRecord = {
      startedAt: new Date(this.startedAtMs).toISOString(),
      endedAt: new Date(this.endedAtMs!).toISOString(),
      durationSeconds: (this.endedAtMs! - this.startedAtMs) / 1000,
      ...(this.lastAcknowledgedAtMs === undefined ? {} : { writeSeconds: (Math.min(this.lastAcknowledgedAtMs, this.endedAtMs!) - this.startedAtMs) / 1000 }),
      ...(this.readBack?.lastMs === undefined
        ? {}
        : {
            readBack: {
              seconds: (this.readBack.lastMs - this.readBack.startMs) / 1000,
              messages: this.readBack.messages,
              bytes: this.readBack.bytes,
              firstMessageSeconds: (this.readBack.firstMs! - this.readBack.startMs) / 1000,
            },
          }),
      opSeconds: this.opSeconds,
      histograms: {
        publishLatencyUs: encodeHistogram(this.publishLatency),
        e2eLatencyUs: encodeHistogram(this.e2eLatency),
        sendDelayUs: encodeHistogram(this.sendDelay),
        ...Object.fromEntries([...this.named].map(([name, histogram]) => [name, encodeHistogram(histogram)])),
      },
      counters: { ...this.counters },
      delivery: this.delivery,
      ...(this.warmupDelivery ? { warmupDelivery: this.warmupDelivery } : {}),
      series: this.series.finish(),
      ...(this.lastActivityMs === undefined ? {} : { longestPause: { seconds: this.longestPause.ms / 1000, from: new Date(this.longestPause.fromMs).toISOString() } }),
    };
    this.finished = true;
    this.publishLatency.destroy();
    this.e2eLatency.destroy();
    this.sendDelay.destroy();
    for (const histogram of this.named.values()) histogram.destroy();
    return record;
  }
}
