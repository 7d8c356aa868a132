/**
 * The pub/sub operations' producer in load clients (`clients: N`, or on remote workers): operation k's producer is
 * client k mod N, the consumer stays in the trial's process. Each client's clock is measured before the first
 * operation and after the last; its send times are moved into the trial's clock for end-to-end latency.
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import { ClientClocks, type ClockCheck } from '../clock-sync.js';
import { messageExpecter, type LoadClientChannel, type LoadClientStart } from '../load-client.js';
import type { WorkloadContext } from '../workload.js';
import type { RemoteOperationProducer, SendActivity } from './operation.js';
import type { PubsubParams } from './params.js';
import { PUBSUB_PRODUCER_ROLE, type FromPubsubClient, type PubsubClientSpec, type ToPubsubClient } from './producer-client.js';

const expect = messageExpecter<FromPubsubClient>();

/** A load client has this long to connect and say it is ready. */
const READY_TIMEOUT_MS = 120_000;

/** The trial's load clients for the pub/sub operations' producer. */
export class PubsubLoadClients {
  /** Opens `params.clients` load clients and measures their clocks. */
  static async open(context: WorkloadContext<PubsubParams>): Promise<PubsubLoadClients> {
    const channels = await context.loadClients!(context.params.clients ?? 1);
    const clients = new PubsubLoadClients(channels, context.params);
    try {
      const spec: PubsubClientSpec = { params: context.params, seed: context.seed };
      for (const channel of channels) channel.send({ type: 'start', role: PUBSUB_PRODUCER_ROLE, spec } satisfies LoadClientStart);
      await Promise.all(channels.map(async (channel) => expect(await channel.next(READY_TIMEOUT_MS), 'ready', channel)));
      clients.clientClocks = await ClientClocks.measure(channels);
      return clients;
    } catch (error) {
      await clients.close();
      throw error;
    }
  }

  private clientClocks: ClientClocks | undefined;
  /** Each client's clock, before and after (set by stop()). */
  clocks: ClockCheck[] = [];

  private constructor(
    private readonly channels: LoadClientChannel[],
    private readonly params: PubsubParams,
  ) {}

  /** The producer of operation `op`, recording its sends into `recorder`. */
  producerFor(op: number, recorder: PhaseRecorder, measured: boolean): RemoteOperationProducer {
    const client = op % this.channels.length;
    const channel = this.channels[client]!;
    const offsetMs = this.clientClocks!.offsetMs(client);
    const waitMs = this.params.timeout + READY_TIMEOUT_MS;
    return {
      clockOffsetMs: offsetMs,
      async produce(topic: string, activity: SendActivity) {
        channel.send({ type: 'produce', topic, measured, startMs: recorder.startMs + offsetMs, seriesIntervalMs: recorder.seriesIntervalMs } satisfies ToPubsubClient);
        let acknowledged = 0;
        const acknowledge = (count: number) => {
          for (; acknowledged < count; acknowledged++) {
            activity.onSent();
            activity.onAcknowledged(acknowledged);
          }
        };
        for (;;) {
          const message = (await channel.next(waitMs)) as FromPubsubClient;
          if (message.type === 'acked') {
            acknowledge(message.count);
            continue;
          }
          const produced = expect(message, 'produced', channel);
          acknowledge(produced.acknowledged);
          for (let sent = produced.acknowledged; sent < produced.sent; sent++) activity.onSent();
          recorder.absorbWrites(produced.record);
          if (produced.failure) throw new Error(`${channel.label}: ${produced.failure}`);
          return;
        }
      },
    };
  }

  /** Ends the clients' operations, and measures their clocks again. */
  async stop(): Promise<void> {
    for (const channel of this.channels) channel.send({ type: 'stop' } satisfies ToPubsubClient);
    await Promise.all(this.channels.map(async (channel) => expect(await channel.next(READY_TIMEOUT_MS), 'stopped', channel)));
    this.clocks = await this.clientClocks!.checks();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.channels.map((channel) => channel.close()));
  }
}
