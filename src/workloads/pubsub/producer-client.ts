/**
 * The pub/sub operation's producer in a load client (`clients: N`, or a remote worker): for each operation the trial
 * names, it sends the operation's messages in order through its own driver, each awaiting its acknowledgement, and
 * reports the acknowledgements as they come and its write record at the end. The trial's consumer receives and
 * verifies every message. The protocol, in order: start → ready; produce → acked… produced (per operation);
 * stop → stopped.
 */
import { PhaseRecorder, type PhaseRecord } from '../../metrics/recorder.js';
import type { LogDriver, LogProducer } from '../../targets/driver.js';
import { nowMs } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { ENVELOPE_BYTES } from '../envelope.js';
import type { LoadClientChannel } from '../load-client.js';
import { PayloadSource } from '../payload.js';
import { SendBuffers } from '../send-buffers.js';
import { sendEachAwaited } from './operation.js';
import type { PubsubParams } from './params.js';

/** The role name of the pub/sub producer in a load client. */
export const PUBSUB_PRODUCER_ROLE = 'pubsub-producer';

/** What the client gets to start. */
export interface PubsubClientSpec {
  params: PubsubParams;
  seed: number;
}

/** Messages from the trial to the client. */
export type ToPubsubClient =
  /** Send one operation's messages on `topic`; the phase's series starts at `startMs` (this client's clock). */
  | { type: 'produce'; topic: string; measured: boolean; startMs: number; seriesIntervalMs: number }
  | { type: 'stop' };

/** Messages from the client to the trial. */
export type FromPubsubClient =
  | { type: 'ready' }
  /** Messages 0…count−1 of the operation are acknowledged (sent at most every ACK_REPORT_MS). */
  | { type: 'acked'; count: number }
  | { type: 'produced'; record: PhaseRecord; sent: number; acknowledged: number; failure?: string }
  | { type: 'stopped' };

const ACK_REPORT_MS = 50;
const CLOSE_TIMEOUT_MS = 30_000;

/** Runs the client until the trial stops it or the channel ends. */
export async function runPubsubClient(spec: PubsubClientSpec, driver: LogDriver, channel: LoadClientChannel, signal: AbortSignal): Promise<void> {
  const { params } = spec;
  // The same bodies as the trial's own producer would send (same generator, size and seed).
  const payloads = new PayloadSource(params.payload, params.payloadBytes - ENVELOPE_BYTES, params.messages, spec.seed);
  const buffers = new SendBuffers(params.payloadBytes);
  const reply = (message: FromPubsubClient) => channel.send(message);
  reply({ type: 'ready' });
  while (!signal.aborted) {
    const command = (await channel.next().catch(() => undefined)) as ToPubsubClient | undefined;
    if (!command) return;
    if (command.type === 'stop') {
      reply({ type: 'stopped' });
      return;
    }
    const recorder = new PhaseRecorder(command.startMs, nowMs, command.seriesIntervalMs);
    let sent = 0;
    let acknowledged = 0;
    let reported = 0;
    const report = setInterval(() => {
      if (acknowledged > reported) reply({ type: 'acked', count: (reported = acknowledged) });
    }, ACK_REPORT_MS);
    let producer: LogProducer | undefined;
    let failure: string | undefined;
    try {
      producer = await driver.producer(command.topic);
      await sendEachAwaited(producer, { messages: params.messages, payloads, buffers, recorder, signal, onSent: () => (sent += 1), onAcknowledged: () => (acknowledged += 1) });
    } catch (error) {
      failure = errorMessage(error);
    } finally {
      clearInterval(report);
      if (producer) await withTimeout(producer.close(), CLOSE_TIMEOUT_MS, 'closing the producer').catch(() => undefined);
    }
    reply({ type: 'produced', record: recorder.toRecord(), sent, acknowledged, ...(failure ? { failure } : {}) });
  }
}
