/**
 * The stream workload: producers on one topic and a tailing consumer. Closed-loop keeps `inFlight` sends outstanding
 * per producer (max-throughput discovery, labelled as such). Open-loop schedules every intended send time up front at
 * `rate` and sends on schedule whatever the broker does, so latency is measured from the intended time (no coordinated
 * omission); how late each send went out is recorded. Warm-up (by time) is sent first and excluded from the summary.
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import { calibrationGroup, type LogProducer } from '../../targets/driver.js';
import { nowMs, sleep } from '../../util/clock.js';
import { ENVELOPE_BYTES, ENVELOPE_WARMUP } from '../envelope.js';
import { MessageFlow } from '../flow.js';
import { PayloadSource } from '../payload.js';
import type { Workload, WorkloadContext } from '../workload.js';
import { toolReadsBack, type StreamParams } from './params.js';

/** Open-loop sends may run ahead of acknowledgements by at most this many messages (memory bound). */
const MAX_OUTSTANDING = 100_000;
const PROGRESS_EVERY_MS = 250;

class StreamRun {
  private readonly flow: MessageFlow;
  private producers: LogProducer[] = [];
  private warmup: PhaseRecorder | undefined;
  private measured: PhaseRecorder | undefined;
  private measuredSent = 0;
  private measuredDelivered = 0;
  private lastProgress = 0;
  private measuredStartedAt = 0;

  constructor(
    private readonly context: WorkloadContext<StreamParams>,
    private readonly params: StreamParams,
  ) {
    const expected = params.messages ?? (params.rate ?? 10_000) * ((params.duration ?? 60_000) / 1000);
    const payloads = new PayloadSource(params.payload, params.payloadBytes - ENVELOPE_BYTES, Math.min(expected, 100_000), context.seed);
    context.setPayloadInfo(payloads.info());
    this.flow = new MessageFlow({ payloads, messageBytes: params.payloadBytes, stallTimeoutMs: params.timeout, signal: context.signal });
  }

  async run(): Promise<void> {
    const { context, params } = this;
    const topic = context.topicPrefix;
    context.createdTopics.push(topic);
    await context.driver.createTopic(topic);
    const openConsumer = () =>
      context.driver.consumer(topic, {
        group: topic,
        from: 'earliest',
        onMessage: (payload) => this.onMessage(payload),
        onError: (error) => (this.flow.failure ??= error),
        messageBytes: params.payloadBytes,
      });
    // Reading back later: the group must exist now, or a broker may delete what no subscription needs (Pulsar).
    if (params.consumer === 'after') await context.driver.registerGroup?.(topic, topic);
    // The broker's perf tool reads the same backlog after the trial (see ToolProbeSpec.readBack).
    if (toolReadsBack(params) && context.driver.probeTool) {
      await context.driver.registerGroup?.(topic, calibrationGroup(topic));
    }
    let consumer = params.consumer === 'tail' ? await openConsumer() : undefined;
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
      if (!consumer) {
        // Write-only measurement: the writes are all acknowledged (the write window closes) before anything is read.
        await this.flow.acknowledged();
        this.measured.beginReadBack(nowMs());
        consumer = await openConsumer();
      }
      await this.flow.drain();
      // The delivery check of the whole trial (warm-up messages included), recorded with the measured phase.
      this.measured.addDelivery(this.flow.tracker.result());
      await context.endPhase();
    } finally {
      await Promise.allSettled([consumer?.close(), ...this.producers.map((producer) => producer.close())]);
    }
    const failure = this.flow.verdict();
    if (failure) context.fail(failure);
  }

  private measuredDone(): boolean {
    const { params } = this;
    if (params.messages !== undefined && this.measuredSent >= params.messages) return true;
    return params.duration !== undefined && performance.now() - this.measuredStartedAt >= params.duration;
  }

  /** Sends until `done()` (checked between sends) or a failure, stall or abort. */
  private async send(warm: boolean, done: () => boolean): Promise<void> {
    const stop = () => done() || this.flow.failure !== undefined || this.context.signal.aborted || this.flow.stalled();
    if (this.params.mode === 'closed-loop') {
      const lanes = Array.from({ length: this.params.producers * this.params.inFlight }, (_, lane) => lane % this.params.producers);
      await Promise.all(
        lanes.map(async (producer) => {
          while (!stop()) await this.sendOne(producer, nowMs(), warm).catch((error: Error) => (this.flow.failure ??= error));
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
      if (this.flow.outstanding >= MAX_OUTSTANDING) {
        await sleep(1, this.context.signal);
        continue;
      }
      void this.sendOne(index % this.params.producers, intended, warm).catch((error: Error) => (this.flow.failure ??= error));
      index += 1;
      if (index % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private sendOne(producer: number, intendedMs: number, warm: boolean): Promise<void> {
    const recorder = warm ? this.warmup! : this.measured!;
    if (this.params.mode === 'open-loop') {
      const delay = nowMs() - intendedMs;
      recorder.recordSendDelay(delay, delay > this.params.lateAfter);
    }
    if (!warm) this.measuredSent += 1;
    return this.flow.send(this.producers[producer]!, producer + 1, intendedMs, warm ? ENVELOPE_WARMUP : 0, recorder);
  }

  private onMessage(payload: Uint8Array): void {
    const delivered = this.flow.receive(payload);
    if (!delivered) return;
    const { envelope, receivedMs } = delivered;
    const warm = ((envelope.flags ?? 0) & ENVELOPE_WARMUP) !== 0;
    const e2eMs = this.params.consumer === 'tail' ? receivedMs - envelope.intendedMs : undefined;
    (warm ? this.warmup : this.measured)?.recordDelivery(e2eMs, payload.byteLength, receivedMs);
    this.measured?.recordReadBack(payload.byteLength, receivedMs);
    if (!warm) this.measuredDelivered += 1;
    this.reportProgress();
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
