/**
 * The stream workload: producers on one topic and a tailing consumer. Closed-loop keeps `inFlight` sends outstanding
 * per producer (max-throughput discovery, labelled as such). Open-loop schedules every intended send time up front at
 * `rate` and sends on schedule whatever the broker does, so latency is measured from the intended time (no coordinated
 * omission); how late each send went out is recorded. Warm-up (by time) is sent first and excluded from the summary.
 * The producers run in the trial's process, or (`clients: N`) in load clients (see producers.ts); the consumer, and
 * so the delivery check, always runs here.
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import { calibrationGroup } from '../../targets/driver.js';
import { nowMs, sleep } from '../../util/clock.js';
import { ENVELOPE_BYTES, ENVELOPE_WARMUP } from '../envelope.js';
import { MessageFlow } from '../flow.js';
import { PayloadSource } from '../payload.js';
import type { Workload, WorkloadContext } from '../workload.js';
import { payloadPoolSize, runsTool, toolReadsBack, type StreamParams } from './params.js';
import { runProducerClient, STREAM_PRODUCERS_ROLE, type ProducerClientSpec } from './producer-client.js';
import { openProducers, type StreamProducers } from './producers.js';
import { recordClocks } from '../clock-sync.js';

const PROGRESS_EVERY_MS = 250;

class StreamRun {
  private readonly flow: MessageFlow;
  private readonly payloadPool: number;
  private warmup: PhaseRecorder | undefined;
  private measured: PhaseRecorder | undefined;
  private measuredDelivered = 0;
  private lastProgress = 0;
  private measuredStartedAt = 0;
  private producers: StreamProducers | undefined;

  constructor(
    private readonly context: WorkloadContext<StreamParams>,
    private readonly params: StreamParams,
  ) {
    this.payloadPool = payloadPoolSize(params);
    const payloads = new PayloadSource(params.payload, params.payloadBytes - ENVELOPE_BYTES, this.payloadPool, context.seed);
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
        // onMessage checks and counts each payload, and keeps none.
        payloadLifetime: 'call',
      });
    // Reading back later: the group must exist now, or a broker may delete what no subscription needs (Pulsar).
    if (params.consumer === 'after') await context.driver.registerGroup?.(topic, topic);
    // The broker's perf tool reads the same backlog after the trial (see ToolProbeSpec.readBack).
    if (toolReadsBack(params) && context.driver.probeTool) {
      await context.driver.registerGroup?.(topic, calibrationGroup(topic));
    }
    let consumer = params.consumer === 'tail' ? await openConsumer() : undefined;
    let producers: StreamProducers | undefined;
    try {
      producers = this.producers = await openProducers({ context, params, flow: this.flow, topic, payloadPool: this.payloadPool });
      if (context.warmup.duration > 0) {
        this.warmup = await context.beginPhase('warmup');
        await producers.warmup(this.warmup, context.warmup.duration);
        if (!consumer) await this.warmReadPath(topic, this.warmup);
      }
      // Compared with the broker's perf tool, whose run starts on a settled page cache: so does this window.
      this.measured = await context.beginPhase('measured', { settleWrites: runsTool(params) });
      this.measuredStartedAt = nowMs();
      await producers.measure(this.measured);
      if (!consumer) {
        // Write-only measurement: the writes are all acknowledged (the write window closes) before anything is read.
        await this.flow.acknowledged();
        this.measured.beginReadBack(nowMs());
        consumer = await openConsumer();
      }
      await this.flow.drain();
      recordClocks(context, producers.clocks, params, params.consumer === 'tail' ? this.measured.e2eMedianMs() : undefined);
      // The delivery check of the whole trial (warm-up messages included), recorded with the measured phase.
      this.flow.recordDeliveryChecks(this.measured);
      await context.endPhase();
    } finally {
      // A trial that ends by an error still states its delivery, consistent with its counters (nothing called lost).
      if (this.measured) this.flow.recordDeliveryChecks(this.measured);
      await Promise.allSettled([consumer?.close(), producers?.close()]);
    }
    const failure = this.flow.verdict();
    if (failure) context.fail(failure);
  }

  /**
   * Write-only trials read nothing until the measured read-back, so the warm-up warms the read path too: a consumer
   * of a group of its own reads the warm-up's `messages` from the earliest and drops them. Without it, the first
   * read-back of a run paid for the broker's first reads (Pulsar's, 1 MiB: 95–105 msg/s where every later read of the
   * same or a new topic reached 130–165). The trial's own group still reads the warm-up's messages in its read-back.
   * The warm-up phase records this read as its `readBack`.
   */
  private async warmReadPath(topic: string, warmup: PhaseRecorder): Promise<void> {
    const { context, params } = this;
    const messages = warmup.messagesAcknowledged;
    if (messages === 0) return;
    let received = 0;
    let lastMs = nowMs();
    let failure: Error | undefined;
    warmup.beginReadBack(lastMs);
    const consumer = await context.driver.consumer(topic, {
      group: `${topic}-warmup-reader`,
      from: 'earliest',
      onMessage: (payload) => {
        received += 1;
        lastMs = nowMs();
        warmup.recordReadBack(payload.byteLength, lastMs);
      },
      onError: (error) => (failure ??= error),
      messageBytes: params.payloadBytes,
      payloadLifetime: 'call',
    });
    try {
      while (received < messages && !failure && !context.signal.aborted && nowMs() - lastMs <= params.timeout) await sleep(5);
    } finally {
      await consumer.close();
    }
    if (failure) throw new Error(`reading back the warm-up's messages: ${failure.message}`);
    if (received < messages && !context.signal.aborted) {
      throw new Error(`reading back the warm-up's messages: ${received} of ${messages} arrived, then nothing for ${(params.timeout / 1000).toFixed(1)} s`);
    }
  }

  private onMessage(payload: Uint8Array): void {
    const delivered = this.flow.receive(payload);
    if (!delivered) return;
    const { envelope, receivedMs } = delivered;
    const warm = ((envelope.flags ?? 0) & ENVELOPE_WARMUP) !== 0;
    // A load client's send times are in its own clock: moved into this one by the offset measured before the trial.
    const e2eMs = this.params.consumer === 'tail' ? receivedMs - (envelope.intendedMs - (this.producers?.clockOffsetMs(envelope.producerId) ?? 0)) : undefined;
    (warm ? this.warmup : this.measured)?.recordDelivery(e2eMs, payload.byteLength, receivedMs);
    this.measured?.recordReadBack(payload.byteLength, receivedMs);
    if (!warm) this.measuredDelivered += 1;
    this.reportProgress(receivedMs);
  }

  /** Reports progress at most every PROGRESS_EVERY_MS; `now` is the delivery's own clock reading (nowMs). */
  private reportProgress(now: number): void {
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
  loadClientRoles: {
    [STREAM_PRODUCERS_ROLE]: (spec, driver, channel, signal) => runProducerClient(spec as ProducerClientSpec, driver, channel, signal),
  },
};
