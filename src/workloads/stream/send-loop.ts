/**
 * The stream's send loop, the same in the trial's process and in a load-client process: closed-loop lanes that each
 * keep one send outstanding, or an open-loop schedule of intended send times at a rate (sends go out on schedule
 * whatever the broker does; how late each went out is recorded).
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import type { LogProducer } from '../../targets/driver.js';
import { nowMs, sleep } from '../../util/clock.js';
import { ENVELOPE_WARMUP } from '../envelope.js';
import type { MessageFlow } from '../flow.js';

/** Open-loop sends may run ahead of acknowledgements by at most this many messages (memory bound). */
const MAX_OUTSTANDING = 100_000;

/** How one process's producers send. */
export interface SendLoopOptions {
  flow: MessageFlow;
  producers: LogProducer[];
  /** The envelope's producer id of each producer (unique across the trial's processes). */
  producerIds: number[];
  mode: 'closed-loop' | 'open-loop';
  /** Closed-loop: sends outstanding per producer. */
  inFlight: number;
  /** Open-loop: messages per second over these producers. */
  rate?: number;
  /** Open-loop: a send later than this (ms) after its intended time counts as late. */
  lateAfterMs: number;
  signal: AbortSignal;
}

/** Sends a phase's messages through a set of producers. */
export class SendLoop {
  /** Measured (not warm-up) sends issued so far. */
  measuredSent = 0;

  constructor(private readonly options: SendLoopOptions) {}

  /** Sends into `recorder` until `done()` (checked between sends) or a failure, stall or abort. */
  async run(recorder: PhaseRecorder, warm: boolean, done: () => boolean): Promise<void> {
    const { flow, producers, signal } = this.options;
    const stop = () => done() || flow.failure !== undefined || signal.aborted || flow.stalled();
    if (this.options.mode === 'closed-loop') {
      const lanes = Array.from({ length: producers.length * this.options.inFlight }, (_, lane) => lane % producers.length);
      await Promise.all(
        lanes.map(async (producer) => {
          while (!stop()) await this.sendOne(producer, nowMs(), recorder, warm).catch((error: Error) => (flow.failure ??= error));
        }),
      );
      return;
    }
    const interval = 1000 / this.options.rate!;
    const start = nowMs();
    let index = 0;
    while (!stop()) {
      const intended = start + index * interval;
      const wait = intended - nowMs();
      if (wait > 1) {
        await sleep(Math.min(wait, 50), signal);
        continue;
      }
      if (flow.outstanding >= MAX_OUTSTANDING) {
        await sleep(1, signal);
        continue;
      }
      void this.sendOne(index % producers.length, intended, recorder, warm).catch((error: Error) => (flow.failure ??= error));
      index += 1;
      if (index % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private sendOne(producer: number, intendedMs: number, recorder: PhaseRecorder, warm: boolean): Promise<void> {
    if (this.options.mode === 'open-loop') {
      const delay = nowMs() - intendedMs;
      recorder.recordSendDelay(delay, delay > this.options.lateAfterMs);
    }
    if (!warm) this.measuredSent += 1;
    const { flow, producers, producerIds } = this.options;
    return flow.send(producers[producer]!, producerIds[producer]!, intendedMs, warm ? ENVELOPE_WARMUP : 0, recorder);
  }
}
