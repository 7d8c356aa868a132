/**
 * Where a stream trial's producers run: in the trial's own process, or (`clients: N`) dealt out among load clients
 * whose records and acknowledgements are merged into the trial's, so that its consumer verifies every message.
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import type { LogProducer } from '../../targets/driver.js';
import { sleep } from '../../util/clock.js';
import type { MessageFlow } from '../flow.js';
import { messageExpecter, type LoadClientChannel, type LoadClientStart } from '../load-client.js';
import type { WorkloadContext } from '../workload.js';
import type { StreamParams } from './params.js';
import { STREAM_PRODUCERS_ROLE, type FromProducerClient, type ProducerClientSpec, type ToProducerClient } from './producer-client.js';
import { SendLoop } from './send-loop.js';
import { ClientClocks, type ClockCheck } from '../clock-sync.js';

const expect = messageExpecter<FromProducerClient>();

/** A load client has this long to connect and open its producers. */
const READY_TIMEOUT_MS = 120_000;
/** After an abort, a load client has this long to report what it measured. */
const ABORT_GRACE_MS = 30_000;

/** The producers of a stream trial. */
export interface StreamProducers {
  /** Sends warm-up messages into `recorder` for `durationMs`. */
  warmup(recorder: PhaseRecorder, durationMs: number): Promise<void>;
  /** Sends the measured messages into `recorder` (just started) until the stream's messages or duration are done. */
  measure(recorder: PhaseRecorder): Promise<void>;
  /** The clock of producer `id` minus this process's, ms: subtracted from its send times (0 in this process). */
  clockOffsetMs(producerId: number): number;
  /** Each load client's clock against this process's, measured before and after the trial (none when local). */
  readonly clocks: ClockCheck[];
  close(): Promise<void>;
}

/** The shared inputs of both kinds. */
interface ProducersInput {
  context: WorkloadContext<StreamParams>;
  params: StreamParams;
  flow: MessageFlow;
  topic: string;
  /** Payload bodies generated ahead (the trial's figure, so every process generates the same bodies). */
  payloadPool: number;
}

/** Opens the trial's producers: in this process, or in `params.clients` load clients. */
export async function openProducers(input: ProducersInput): Promise<StreamProducers> {
  if (input.params.clients <= 1 && !input.context.remoteLoadClients) return LocalProducers.open(input);
  if (!input.context.loadClients) throw new Error(`workload.clients: ${input.params.clients} needs a target that several processes write to; this one runs inside the trial's process`);
  return RemoteProducers.open(input, await input.context.loadClients(input.params.clients));
}

/** Producers in the trial's process. */
class LocalProducers implements StreamProducers {
  static async open({ context, params, flow, topic }: ProducersInput): Promise<LocalProducers> {
    const producers = await Promise.all(Array.from({ length: params.producers }, () => context.driver.producer(topic)));
    return new LocalProducers(params, producers, flow, context.signal);
  }

  private readonly loop: SendLoop;

  private constructor(
    private readonly params: StreamParams,
    private readonly producers: LogProducer[],
    flow: MessageFlow,
    signal: AbortSignal,
  ) {
    const producerIds = producers.map((_, index) => index + 1);
    this.loop = new SendLoop({ flow, producers, producerIds, mode: params.mode, inFlight: params.inFlight, rate: params.rate, lateAfterMs: params.lateAfter, signal });
  }

  warmup(recorder: PhaseRecorder, durationMs: number): Promise<void> {
    const started = performance.now();
    return this.loop.run(recorder, true, () => performance.now() - started >= durationMs);
  }

  measure(recorder: PhaseRecorder): Promise<void> {
    const { params } = this;
    const started = performance.now();
    return this.loop.run(recorder, false, () => {
      if (params.messages !== undefined && this.loop.measuredSent >= params.messages) return true;
      return params.duration !== undefined && performance.now() - started >= params.duration;
    });
  }

  readonly clocks: ClockCheck[] = [];

  clockOffsetMs(): number {
    return 0;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.producers.map((producer) => producer.close()));
  }
}

/** Producers dealt out among load clients: client k of N sends as producers k+1, k+1+N, … */
class RemoteProducers implements StreamProducers {
  static async open(input: ProducersInput, channels: LoadClientChannel[]): Promise<RemoteProducers> {
    const remote = new RemoteProducers(input, channels);
    try {
      const { params } = input;
      // Before the start: nothing else is in flight on the channels yet.
      remote.clientClocks = await ClientClocks.measure(channels);
      channels.forEach((channel, client) => {
        const producerIds = Array.from({ length: params.producers }, (_, index) => index + 1).filter((id) => (id - 1) % channels.length === client);
        for (const id of producerIds) remote.offsets.set(id, remote.clientClocks!.offsetMs(client));
        const spec: ProducerClientSpec = {
          topic: input.topic,
          params,
          producerIds,
          ...(params.messages === undefined ? {} : { messages: producerIds.reduce((sum, id) => sum + messageShare(params.messages!, params.producers, id), 0) }),
          ...(params.rate === undefined ? {} : { rate: (params.rate * producerIds.length) / params.producers }),
          seed: input.context.seed,
          payloadPool: input.payloadPool,
        };
        channel.send({ type: 'start', role: STREAM_PRODUCERS_ROLE, spec } satisfies LoadClientStart);
      });
      await Promise.all(channels.map(async (channel) => expect(await channel.next(READY_TIMEOUT_MS), 'ready', channel)));
      return remote;
    } catch (error) {
      await remote.close();
      throw error;
    }
  }

  private clientClocks: ClientClocks | undefined;
  private readonly offsets = new Map<number, number>();
  clocks: ClockCheck[] = [];

  private constructor(
    private readonly input: ProducersInput,
    private readonly channels: LoadClientChannel[],
  ) {}

  clockOffsetMs(producerId: number): number {
    return this.offsets.get(producerId) ?? 0;
  }

  async warmup(recorder: PhaseRecorder, durationMs: number): Promise<void> {
    this.broadcast({ type: 'warmup', seriesIntervalMs: recorder.seriesIntervalMs });
    await sleep(durationMs, this.input.context.signal);
    this.broadcast({ type: 'pause' });
    const records = await Promise.all(this.channels.map((channel) => this.until('warmed', channel)));
    for (const message of records) recorder.absorbWrites(message.record);
  }

  async measure(recorder: PhaseRecorder): Promise<void> {
    const { context, flow } = this.input;
    // Each client's series starts at the same instant, told in its own clock.
    this.channels.forEach((channel, client) =>
      channel.send({ type: 'measure', startMs: recorder.startMs + this.clientClocks!.offsetMs(client), seriesIntervalMs: recorder.seriesIntervalMs } satisfies ToProducerClient),
    );
    const abort = () => this.broadcast({ type: 'abort' });
    context.signal.addEventListener('abort', abort, { once: true });
    if (context.signal.aborted) abort();
    try {
      const reports = await Promise.all(this.channels.map((channel) => this.until('done', channel)));
      reports.forEach((report, client) => {
        if (report.record) recorder.absorbWrites(report.record);
        for (const phase of ['warmup', 'measured'] as const) flow.absorbSends(phase, report.sends[phase].published, report.sends[phase].acknowledged);
        if (report.failure) flow.failure ??= new Error(`${this.channels[client]!.label}: ${report.failure}`);
      });
      // After the last report nothing else is in flight: the clocks again, for their drift over the trial.
      this.clocks = await this.clientClocks!.checks();
    } finally {
      context.signal.removeEventListener('abort', abort);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.channels.map((channel) => channel.close()));
  }

  private broadcast(message: ToProducerClient): void {
    for (const channel of this.channels) channel.send(message);
  }

  /** The client's next message of `type`, skipping progress reports; each wait is bounded. */
  private async until<T extends FromProducerClient['type']>(type: T, channel: LoadClientChannel): Promise<Extract<FromProducerClient, { type: T }>> {
    const { params, context } = this.input;
    for (;;) {
      const message = (await channel.next(context.signal.aborted ? ABORT_GRACE_MS : params.timeout + ABORT_GRACE_MS)) as FromProducerClient;
      if (message.type === 'progress') continue;
      return expect(message, type, channel);
    }
  }
}

/** Measured messages of producer `id` (1-based) when `total` are dealt out among `producers`. */
export function messageShare(total: number, producers: number, id: number): number {
  return Math.floor(total / producers) + (id <= total % producers ? 1 : 0);
}
