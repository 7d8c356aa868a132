/**
 * The stream's send loop, the same in the trial's process and in a load-client process: closed-loop lanes that each
 * keep one send outstanding, or an open-loop schedule of intended send times at a rate (sends go out on schedule
 * whatever the broker does; how late each went out is recorded).
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import type { LogProducer } from '../../targets/driver.js';
import { nowMs } from '../../util/clock.js';
import { closedLoop, constantRate } from '../schedule.js';
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
  /** Open-loop: a send later than this (ms) after its intended time counts as late (see schedule.ts). */
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
    const failed = (error: Error) => {
      flow.failure ??= error;
    };
    if (this.options.mode === 'closed-loop') {
      // Lanes take the producers in turn, so each producer has `inFlight` sends outstanding.
      await closedLoop({ concurrency: producers.length * this.options.inFlight, stop }, ({ lane }) =>
        this.sendOne(lane % producers.length, nowMs(), recorder, warm).catch(failed),
      );
      return;
    }
    await constantRate(
      { intervalMs: 1000 / this.options.rate!, stop, hold: () => flow.outstanding >= MAX_OUTSTANDING, lateAfterMs: this.options.lateAfterMs, signal },
      (slot) => {
        recorder.recordSendDelay(slot.delayMs, slot.late);
        void this.sendOne(slot.index % producers.length, slot.clockFromMs, recorder, warm).catch(failed);
      },
    );
  }

  private sendOne(producer: number, intendedMs: number, recorder: PhaseRecorder, warm: boolean): Promise<void> {
    if (!warm) this.measuredSent += 1;
    const { flow, producers, producerIds } = this.options;
    return flow.send(producers[producer]!, producerIds[producer]!, intendedMs, warm ? ENVELOPE_WARMUP : 0, recorder);
  }
}
