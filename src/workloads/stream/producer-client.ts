/**
 * The stream's producers in a load client (`clients: N`): the client's share of the producers sends through its own
 * driver connection with the trial's send loop, and reports its phase records and every acknowledged sequence to the
 * trial, whose consumer verifies delivery. The protocol, in order: start → ready; warmup … pause → warmed (optional);
 * measure → done; abort at any time → done with what was measured.
 */
import { PhaseRecorder, type PhaseRecord } from '../../metrics/recorder.js';
import type { LogDriver, LogProducer } from '../../targets/driver.js';
import { nowMs } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { ENVELOPE_BYTES } from '../envelope.js';
import { MessageFlow, type FlowPhase } from '../flow.js';
import type { LoadClientChannel } from '../load-client.js';
import { PayloadSource } from '../payload.js';
import type { StreamParams } from './params.js';
import { SendLoop } from './send-loop.js';

const PROGRESS_EVERY_MS = 1000;
const CLOSE_TIMEOUT_MS = 30_000;

/** The role name of the stream's producers in a load client. */
export const STREAM_PRODUCERS_ROLE = 'stream-producers';

/** What one load client's producers do. */
export interface ProducerClientSpec {
  topic: string;
  params: StreamParams;
  /** The envelope producer ids this client sends as. */
  producerIds: number[];
  /** This client's share of the measured messages (when the stream counts messages). */
  messages?: number;
  /** Open-loop: this client's share of the rate. */
  rate?: number;
  seed: number;
  /** Payloads generated ahead (the trial's own figure, so the bodies match). */
  payloadPool: number;
}

/** Messages from the trial to a producer client. */
export type ToProducerClient =
  | { type: 'warmup'; seriesIntervalMs: number }
  | { type: 'pause' }
  /** The trial's measured phase started at `startMs` (epoch ms, this machine's clock); its series has these intervals. */
  | { type: 'measure'; startMs: number; seriesIntervalMs: number }
  | { type: 'abort' };

/** Messages from a producer client to the trial. */
export type FromProducerClient =
  | { type: 'ready' }
  /** Sent every second while sending: the trial's bound on each wait is the stream's timeout, not its length. */
  | { type: 'progress'; acknowledged: number }
  | { type: 'warmed'; record: PhaseRecord }
  | {
      type: 'done';
      record?: PhaseRecord;
      /** Per phase: sends issued, and every acknowledged sequence per producer id. */
      sends: Record<FlowPhase, { published: number; acknowledged: Array<[producerId: number, sequences: readonly number[]]> }>;
      failure?: string;
    };

/** Runs a producer client's share of a stream trial over `channel` until it is done or aborted. */
export async function runProducerClient(spec: ProducerClientSpec, driver: LogDriver, channel: LoadClientChannel, signal: AbortSignal): Promise<void> {
  const { params } = spec;
  const inbox = new Inbox(channel, signal);
  const payloads = new PayloadSource(params.payload, params.payloadBytes - ENVELOPE_BYTES, spec.payloadPool, spec.seed);
  const flow = new MessageFlow({ payloads, messageBytes: params.payloadBytes, stallTimeoutMs: params.timeout, signal: inbox.aborted });
  const reply = (message: FromProducerClient) => channel.send(message);
  const producers: LogProducer[] = [];
  let measured: PhaseRecorder | undefined;
  let progress: NodeJS.Timeout | undefined;
  try {
    for (const _ of spec.producerIds) producers.push(await driver.producer(spec.topic));
    const loop = new SendLoop({ flow, producers, producerIds: spec.producerIds, mode: params.mode, inFlight: params.inFlight, rate: spec.rate, lateAfterMs: params.lateAfter, signal: inbox.aborted });
    reply({ type: 'ready' });
    progress = setInterval(() => reply({ type: 'progress', acknowledged: flow.trackers.measured.running.acknowledged }), PROGRESS_EVERY_MS);
    let command = await inbox.next();
    if (command?.type === 'warmup') {
      const recorder = new PhaseRecorder(nowMs(), nowMs, command.seriesIntervalMs);
      const next = inbox.next();
      let paused = false;
      void next.then(() => (paused = true));
      await loop.run(recorder, true, () => paused);
      command = await next;
      reply({ type: 'warmed', record: recorder.toRecord() });
      if (command?.type === 'pause') command = await inbox.next();
    }
    if (command?.type === 'measure') {
      const startMs = command.startMs;
      measured = new PhaseRecorder(startMs, nowMs, command.seriesIntervalMs);
      const done = () =>
        (spec.messages !== undefined && loop.measuredSent >= spec.messages) || (params.duration !== undefined && nowMs() - startMs >= params.duration);
      await loop.run(measured, false, done);
      await flow.acknowledged();
    }
  } catch (error) {
    flow.failure ??= error instanceof Error ? error : new Error(errorMessage(error));
  } finally {
    clearInterval(progress);
    await withTimeout(Promise.allSettled(producers.map((producer) => producer.close())), CLOSE_TIMEOUT_MS, 'closing the producers').catch(() => undefined);
  }
  reply({
    type: 'done',
    ...(measured ? { record: measured.toRecord() } : {}),
    sends: {
      measured: { published: flow.trackers.measured.running.published, acknowledged: [...flow.trackers.measured.acknowledgedSequences()] },
      warmup: { published: flow.trackers.warmup.running.published, acknowledged: [...flow.trackers.warmup.acknowledgedSequences()] },
    },
    ...(flow.failure ? { failure: errorMessage(flow.failure) } : {}),
  });
}

/** The trial's commands in order; `abort` (or the channel failing, or `signal`) aborts `aborted` and ends them. */
class Inbox {
  private readonly controller = new AbortController();
  private readonly queue: ToProducerClient[] = [];
  private waiter: ((command: ToProducerClient | undefined) => void) | undefined;

  constructor(channel: LoadClientChannel, signal: AbortSignal) {
    const abort = () => {
      this.controller.abort();
      this.waiter?.(undefined);
    };
    signal.addEventListener('abort', abort, { once: true });
    void (async () => {
      while (!this.controller.signal.aborted) {
        const command = (await channel.next().catch(() => ({ type: 'abort' }))) as ToProducerClient;
        if (command.type === 'abort') return abort();
        if (this.waiter) this.waiter(command);
        else this.queue.push(command);
      }
    })();
  }

  /** Aborted when the trial aborts or the channel breaks. */
  get aborted(): AbortSignal {
    return this.controller.signal;
  }

  /** The next command other than abort; undefined once aborted. */
  next(): Promise<ToProducerClient | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift());
    if (this.controller.signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiter = (command) => {
        this.waiter = undefined;
        resolve(command);
      };
    });
  }
}
