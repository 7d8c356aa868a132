/**
 * The ticks workload: the mechanism by which the MQ changes Milvus's search latency (METHODOLOGY B). Every channel
 * carries a time tick every `tickInterval` through the broker, while data messages load the same channels at
 * `dataRate`. A query node may serve a Strong read only once it has consumed a tick at or after the read's time, so
 * a Strong read waits for the next tick and that tick's publish→deliver lag: recorded as `strongReadWaitUs`, modelled
 * from each delivered tick's lag plus a uniformly distributed wait for the tick to be due.
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import type { LogConsumer, LogProducer } from '../../targets/driver.js';
import { nowMs } from '../../util/clock.js';
import { constantRate } from '../schedule.js';
import { ENVELOPE_BYTES, ENVELOPE_WARMUP } from '../envelope.js';
import { MessageFlow } from '../flow.js';
import { PayloadSource } from '../payload.js';
import { TICK_HISTOGRAMS } from './summary.js';
import { seededRandom } from '../../util/random.js';
import type { Workload, WorkloadContext } from '../workload.js';
import type { TicksParams } from './params.js';

/** Envelope flag of time-tick messages. */
export const ENVELOPE_TICK = 2;

class TicksRun {
  private readonly flow: MessageFlow;
  private readonly uniform: () => number;
  private producers: LogProducer[] = [];
  private warmup: PhaseRecorder | undefined;
  private measured: PhaseRecorder | undefined;

  constructor(
    private readonly context: WorkloadContext<TicksParams>,
    private readonly params: TicksParams,
  ) {
    const payloads = new PayloadSource(params.payload, params.payloadBytes - ENVELOPE_BYTES, 10_000, context.seed);
    context.setPayloadInfo(payloads.info());
    this.flow = new MessageFlow({ payloads, messageBytes: params.payloadBytes, stallTimeoutMs: params.timeout, signal: context.signal });
    this.uniform = seededRandom(context.seed + 17);
  }

  async run(): Promise<void> {
    const { context, params } = this;
    const topics = Array.from({ length: params.channels }, (_, channel) => `${context.topicPrefix}-ch${channel}`);
    const consumers: LogConsumer[] = [];
    try {
      for (const [channel, topic] of topics.entries()) {
        context.createdTopics.push(topic);
        await context.driver.createTopic(topic);
        consumers.push(
          await context.driver.consumer(topic, { group: topic, from: 'earliest', onMessage: (payload) => this.onMessage(channel, payload), onError: (error) => (this.flow.failure ??= error) }),
        );
      }
      this.producers = await Promise.all(topics.map((topic) => context.driver.producer(topic)));
      if (context.warmup.duration > 0) {
        this.warmup = await context.beginPhase('warmup');
        await this.schedule(context.warmup.duration, true);
      }
      this.measured = await context.beginPhase('measured');
      await this.schedule(params.duration, false);
      await this.flow.drain();
      // The delivery check of the whole trial (warm-up messages included), recorded with the measured phase.
      this.flow.recordDeliveryChecks(this.measured);
      await context.endPhase();
    } finally {
      // A trial that ends by an error still states its delivery, consistent with its counters (nothing called lost).
      if (this.measured) this.flow.recordDeliveryChecks(this.measured);
      await Promise.allSettled([...consumers.map((consumer) => consumer.close()), ...this.producers.map((producer) => producer.close())]);
    }
    const failure = this.flow.verdict();
    if (failure) context.fail(failure);
  }

  /** Open-loop: ticks on every channel each tickInterval, data round-robin at dataRate, for `durationMs`. */
  private async schedule(durationMs: number, warm: boolean): Promise<void> {
    const { params, flow } = this;
    const recorder = warm ? this.warmup : this.measured;
    const startMs = nowMs();
    const untilMs = startMs + durationMs;
    const stop = () => flow.failure !== undefined || flow.stalled();
    const { signal } = this.context;
    const flags = warm ? ENVELOPE_WARMUP : 0;
    const ticks = constantRate({ intervalMs: params.tickInterval, startMs, untilMs, stop, signal }, ({ clockFromMs, delayMs, late }) => {
      recorder?.recordSendDelay(delayMs, late);
      this.producers.forEach((producer, channel) => flow.fire(producer, channel * 2 + 2, clockFromMs, flags | ENVELOPE_TICK, recorder));
    });
    const data =
      params.dataRate > 0
        ? constantRate({ intervalMs: 1000 / params.dataRate, startMs, untilMs, stop, signal }, ({ index, clockFromMs }) => {
            const channel = index % params.channels;
            flow.fire(this.producers[channel]!, channel * 2 + 1, clockFromMs, flags, recorder);
          })
        : Promise.resolve(0);
    await Promise.all([ticks, data]);
  }

  private onMessage(channel: number, payload: Uint8Array): void {
    const delivered = this.flow.receive(payload);
    if (!delivered) return;
    const { envelope, receivedMs } = delivered;
    const flags = envelope.flags ?? 0;
    const recorder = (flags & ENVELOPE_WARMUP) !== 0 ? this.warmup : this.measured;
    if (!recorder) return;
    const lag = receivedMs - envelope.intendedMs;
    if ((flags & ENVELOPE_TICK) !== 0) {
      recorder.recordNamed(TICK_HISTOGRAMS.lag, lag);
      recorder.recordNamed(TICK_HISTOGRAMS.lagOfChannel(channel), lag);
      // A Strong read issued during the tick interval before this tick waits for the tick to be due, then for it to
      // arrive: tickInterval × U + lag, with U uniform in [0, 1).
      recorder.recordNamed(TICK_HISTOGRAMS.strongReadWait, this.params.tickInterval * this.uniform() + lag);
    } else {
      recorder.recordDelivery(lag, payload.byteLength, receivedMs);
    }
  }
}

/** The ticks workload. */
export const ticksWorkload: Workload<TicksParams> = {
  type: 'ticks',
  run: (context) => new TicksRun(context, context.params).run(),
};
