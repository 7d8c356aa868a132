/**
 * The stream workload: producers on one topic and a tailing consumer. Closed-loop keeps `inFlight` sends outstanding
 * per producer (max-throughput discovery, labelled as such). Open-loop schedules every intended send time up front at
 * `rate` and sends on schedule whatever the broker does, so latency is measured from the intended time (no coordinated
 * omission); how late each send went out is recorded. Warm-up (by time) is sent first and excluded from the summary.
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import type { LogProducer } from '../../targets/driver.js';
import { nowMs, sleep } from '../../util/clock.js';
import { DeliveryTracker } from '../delivery.js';
import { ENVELOPE_BYTES, ENVELOPE_WARMUP, readEnvelope, writeEnvelope } from '../envelope.js';
import { PayloadSource } from '../payload.js';
import { SendBuffers } from '../send-buffers.js';
import type { Workload, WorkloadContext } from '../workload.js';
import type { StreamParams } from './params.js';

/** Open-loop sends may run ahead of acknowledgements by at most this many messages (memory bound). */
const MAX_OUTSTANDING = 100_000;
const PROGRESS_EVERY_MS = 250;

class StreamRun {
  private readonly tracker = new DeliveryTracker();
  private readonly payloads: PayloadSource;
  private readonly buffers: SendBuffers;
  private readonly sequences: number[];
  private producers: LogProducer[] = [];
  private warmup: PhaseRecorder | undefined;
  private measured: PhaseRecorder | undefined;
  private measuredSent = 0;
  private measuredDelivered = 0;
  private outstanding = 0;
  private lastActivity = performance.now();
  private failure: Error | undefined;
  private lastProgress = 0;
  private measuredStartedAt = 0;

  constructor(
    private readonly context: WorkloadContext<StreamParams>,
    private readonly params: StreamParams,
  ) {
    const expected = params.messages ?? (params.rate ?? 10_000) * ((params.duration ?? 60_000) / 1000);
    this.payloads = new PayloadSource(params.payload, params.payloadBytes - ENVELOPE_BYTES, Math.min(expected, 100_000), context.seed);
    this.buffers = new SendBuffers(params.payloadBytes);
    this.sequences = Array.from({ length: params.producers }, () => 0);
    context.setPayloadInfo(this.payloads.info());
  }

  async run(): Promise<void> {
    const { context, params } = this;
    const topic = context.topicPrefix;
    context.createdTopics.push(topic);
    await context.driver.createTopic(topic);
    const consumer = await context.driver.consumer(topic, {
      group: topic,
      from: 'earliest',
      onMessage: (payload) => this.onMessage(payload),
      onError: (error) => (this.failure ??= error),
    });
    try {
      this.producers = await Promise.all(Array.from({ length: params.producers }, () => context.driver.producer(topic)));
      if (context.warmup.duration > 0) {
        this.warmup = await context.beginPhase('warmup');
        const warmupStarted = performance.now();
        await this.send(true, () => performance.now() - warmupStarted >= context.warmup.duration);
      }
      this.measured = await context.beginPhase('measured');
      this.measuredStartedAt = performance.now();
      await this.send(false, () => this.measuredDone());
      await this.drain();
      await context.endPhase();
    } finally {
      await Promise.allSettled([consumer.close(), ...this.producers.map((producer) => producer.close())]);
    }
    const result = this.tracker.result();
    if (this.failure) throw this.failure;
    if (result.lost > 0 || result.corrupt > 0) {
      context.fail(`${result.lost} lost, ${result.corrupt} corrupt of ${result.acknowledged} acknowledged messages`);
    }
  }

  private measuredDone(): boolean {
    const { params } = this;
    if (params.messages !== undefined && this.measuredSent >= params.messages) return true;
    return params.duration !== undefined && performance.now() - this.measuredStartedAt >= params.duration;
  }

  /** Sends until `done()` (checked between sends) or a failure or abort. */
  private async send(warm: boolean, done: () => boolean): Promise<void> {
    const stop = () => done() || this.failure !== undefined || this.context.signal.aborted || this.stalled();
    if (this.params.mode === 'closed-loop') {
      const lanes = Array.from({ length: this.params.producers * this.params.inFlight }, (_, lane) => lane % this.params.producers);
      await Promise.all(
        lanes.map(async (producer) => {
          while (!stop()) {
            const sentMs = nowMs();
            await this.sendOne(producer, sentMs, warm).catch((error: Error) => (this.failure ??= error));
          }
        }),
      );
      return;
    }
    const interval = 1000 / this.params.rate!;
    const start = nowMs();
    let index = 0;
    while (!stop()) {
      const intended = start + index * interval;
      const wait = intended - nowMs();
      if (wait > 1) {
        await sleep(Math.min(wait, 50), this.context.signal);
        continue;
      }
      if (this.outstanding >= MAX_OUTSTANDING) {
        await sleep(1, this.context.signal);
        continue;
      }
      void this.sendOne(index % this.params.producers, intended, warm).catch((error: Error) => (this.failure ??= error));
      index += 1;
      if (index % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async sendOne(producer: number, intendedMs: number, warm: boolean): Promise<void> {
    const sequence = this.sequences[producer]!++;
    const recorder = warm ? this.warmup! : this.measured!;
    const message = this.buffers.acquire();
    const body = this.payloads.body(sequence);
    body.bytes.copy(message, ENVELOPE_BYTES);
    const sentMs = nowMs();
    writeEnvelope(message, { producerId: producer + 1, sequence, intendedMs, sentMs, bodyCrc: body.crc, flags: warm ? ENVELOPE_WARMUP : 0 });
    if (this.params.mode === 'open-loop') recorder.recordSendDelay(sentMs - intendedMs, sentMs - intendedMs > this.params.lateAfter);
    this.tracker.onPublished();
    if (!warm) this.measuredSent += 1;
    this.outstanding += 1;
    try {
      await this.producers[producer]!.send(message);
    } finally {
      this.outstanding -= 1;
    }
    const ackedMs = nowMs();
    this.lastActivity = performance.now();
    this.tracker.onAcknowledged(producer + 1, sequence);
    recorder.recordPublish(ackedMs - sentMs, message.length, ackedMs);
    this.buffers.release(message);
  }

  private onMessage(payload: Uint8Array): void {
    const receivedMs = nowMs();
    this.lastActivity = performance.now();
    const check = readEnvelope(payload);
    if (!check.ok) {
      this.tracker.onCorrupt();
      return;
    }
    const { envelope } = check;
    if (!this.tracker.onDelivered(envelope.producerId, envelope.sequence)) return;
    const warm = ((envelope.flags ?? 0) & ENVELOPE_WARMUP) !== 0;
    const recorder = warm ? this.warmup : this.measured;
    recorder?.recordDelivery(receivedMs - envelope.intendedMs, payload.byteLength, receivedMs);
    if (!warm) this.measuredDelivered += 1;
    this.reportProgress();
  }

  /** Waits until every acknowledged message was delivered (or nothing happened for the stall timeout). */
  private async drain(): Promise<void> {
    while (!this.context.signal.aborted && !this.failure) {
      const counts = this.tracker.result();
      if (this.outstanding === 0 && counts.delivered + counts.corrupt >= counts.acknowledged) return;
      if (this.stalled()) return;
      await sleep(2);
    }
  }

  private stalled(): boolean {
    if (performance.now() - this.lastActivity <= this.params.timeout) return false;
    this.failure ??=
      this.outstanding > 0
        ? new Error(`no send acknowledged for ${(this.params.timeout / 1000).toFixed(1)} s (${this.outstanding} outstanding)`)
        : undefined;
    return true;
  }

  private reportProgress(): void {
    const now = performance.now();
    if (now - this.lastProgress < PROGRESS_EVERY_MS || !this.measured) return;
    this.lastProgress = now;
    const { params } = this;
    if (params.messages !== undefined) {
      this.context.progress({ phase: 'measured', done: this.measuredDelivered, total: params.messages, unit: 'messages' });
    } else {
      const seconds = (now - this.measuredStartedAt) / 1000;
      this.context.progress({ phase: 'measured', done: Math.round(seconds), total: Math.round(params.duration! / 1000), unit: 'seconds' });
    }
  }
}

/** The stream workload. */
export const streamWorkload: Workload<StreamParams> = {
  type: 'stream',
  run: (context) => new StreamRun(context, context.params).run(),
};
