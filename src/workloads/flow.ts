/**
 * The message machinery the stream-like workloads share: sending enveloped messages (per-producer sequences, send
 * buffers, acknowledgement bookkeeping), verifying deliveries, draining, and detecting stalls.
 */
import type { PhaseRecorder } from '../metrics/recorder.js';
import type { LogProducer } from '../targets/driver.js';
import { nowMs, sleep } from '../util/clock.js';
import { addDelivery } from '../metrics/delivery-counts.js';
import { DeliveryTracker } from './delivery.js';
import { bodyChecksum, ENVELOPE_BYTES, ENVELOPE_WARMUP, readEnvelope, writeEnvelope, type Envelope } from './envelope.js';
import { PayloadSource } from './payload.js';
import { SendBuffers } from './send-buffers.js';

/** How a flow sends and watches. */
export interface FlowOptions {
  payloads: PayloadSource;
  messageBytes: number;
  /** Nothing acknowledged or delivered for this long = stalled. */
  stallTimeoutMs: number;
  signal: AbortSignal;
}

/** Sends enveloped messages and verifies their delivery. */
export class MessageFlow {
  /** The delivery checks of the measured messages and, apart, of the warm-up's (by the envelope's warm-up flag). */
  readonly trackers: Record<FlowPhase, DeliveryTracker> = { measured: new DeliveryTracker(), warmup: new DeliveryTracker() };
  private readonly buffers: SendBuffers;
  private readonly sequences = new Map<number, number>();
  /** Sends not yet acknowledged. */
  outstanding = 0;
  /** The first failure (a send or the consumer), if any. */
  failure: Error | undefined;
  /** When a send was last acknowledged or a message last delivered (nowMs: the clock read for that event anyway). */
  private lastActivity = nowMs();
  /** Set once drain() waited for every message (or for the stall timeout): only then is an undelivered message lost. */
  private settled = false;
  private recorded = false;

  constructor(private readonly options: FlowOptions) {
    this.buffers = new SendBuffers(options.messageBytes);
  }

  /**
   * Sends one message from `producerId` through `producer` (its body from the payload source, or `body` when given);
   * resolves after the acknowledgement was recorded.
   */
  async send(producer: LogProducer, producerId: number, intendedMs: number, flags: number, recorder: PhaseRecorder | undefined, body?: Uint8Array): Promise<void> {
    const sequence = this.sequences.get(producerId) ?? 0;
    this.sequences.set(producerId, sequence + 1);
    const generated = body ? undefined : this.options.payloads.body(sequence);
    const message = body ? Buffer.allocUnsafe(ENVELOPE_BYTES + body.byteLength) : this.buffers.acquire();
    message.set(body ?? generated!.bytes, ENVELOPE_BYTES);
    const sentMs = nowMs();
    writeEnvelope(message, { producerId, sequence, intendedMs, sentMs, bodyCrc: generated?.crc ?? bodyChecksum(body!), flags });
    const tracker = this.trackers[phaseOf(flags)];
    tracker.onPublished();
    this.outstanding += 1;
    try {
      await producer.send(message);
    } finally {
      this.outstanding -= 1;
    }
    const ackedMs = nowMs();
    this.lastActivity = ackedMs;
    tracker.onAcknowledged(producerId, sequence);
    recorder?.recordPublish(ackedMs - sentMs, message.length, ackedMs);
    if (!body) this.buffers.release(message);
  }

  /** Adds sends made by a load client in `phase`: `published` issued, these sequences acknowledged (now, for stall detection). */
  absorbSends(phase: FlowPhase, published: number, acknowledged: Iterable<readonly [number, readonly number[]]>): void {
    this.trackers[phase].absorb(published, acknowledged);
    this.lastActivity = nowMs();
  }

  /**
   * Records the delivery checks into the measured phase's `recorder`: the measured messages', and the warm-up's apart.
   * Called on every way a trial ends, so delivery always agrees with the counters; a trial that did not wait for
   * every message (interrupted, failed, or never drained) records the undelivered as `notDelivered`, not lost.
   */
  recordDeliveryChecks(recorder: PhaseRecorder): void {
    if (this.recorded) return;
    this.recorded = true;
    const early = this.endedEarly();
    recorder.addDelivery(this.trackers.measured.result(early));
    recorder.addWarmupDelivery(this.trackers.warmup.result(early));
  }

  /** Whether the trial stopped before it waited for every acknowledged message (so none can be called lost). */
  private endedEarly(): boolean {
    return !this.settled || this.options.signal.aborted || this.failure !== undefined;
  }

  /** Sends without waiting; a failure is kept in `failure`. */
  fire(producer: LogProducer, producerId: number, intendedMs: number, flags: number, recorder: PhaseRecorder | undefined): void {
    void this.send(producer, producerId, intendedMs, flags, recorder).catch((error: Error) => (this.failure ??= error));
  }

  /** Verifies a delivered message; returns its envelope and when it arrived, when it is intact and new (not a duplicate). */
  receive(payload: Uint8Array): { envelope: Envelope; receivedMs: number } | undefined {
    const receivedMs = nowMs();
    this.lastActivity = receivedMs;
    const check = readEnvelope(payload);
    if (!check.ok) {
      // Which phase an unreadable message belonged to cannot be told: it counts against the measurement.
      this.trackers.measured.onCorrupt();
      return undefined;
    }
    if (!this.trackers[phaseOf(check.envelope.flags ?? 0)].onDelivered(check.envelope.producerId, check.envelope.sequence)) return undefined;
    return { envelope: check.envelope, receivedMs };
  }

  /** True once nothing happened for the stall timeout; sets `failure` when sends are still unacknowledged. */
  stalled(): boolean {
    if (nowMs() - this.lastActivity <= this.options.stallTimeoutMs) return false;
    if (this.outstanding > 0) {
      this.failure ??= new Error(`no send acknowledged for ${(this.options.stallTimeoutMs / 1000).toFixed(1)} s (${this.outstanding} outstanding)`);
    }
    return true;
  }

  /** Waits until every send was acknowledged, or a stall, failure or abort. */
  async acknowledged(): Promise<void> {
    while (this.outstanding > 0 && !this.options.signal.aborted && !this.failure && !this.stalled()) await sleep(2);
  }

  /** Waits until every acknowledged message was delivered, or a stall, failure or abort. */
  async drain(): Promise<void> {
    while (!this.options.signal.aborted && !this.failure) {
      const [measured, warmup] = [this.trackers.measured.running, this.trackers.warmup.running];
      const done = this.outstanding === 0 && measured.delivered + measured.corrupt + warmup.delivered >= measured.acknowledged + warmup.acknowledged;
      // Everything arrived, or the stall timeout passed waiting: either way the trial waited, and what is missing is lost.
      if (done || this.stalled()) {
        this.settled = true;
        return;
      }
      await sleep(2);
    }
  }

  /** Throws the first failure; otherwise returns why delivery failed (lost or corrupt), if it did. */
  verdict(): string | undefined {
    if (this.failure) throw this.failure;
    // A message lost in the warm-up is as much a failure as one lost in the measurement.
    const early = this.endedEarly();
    const result = addDelivery(this.trackers.measured.result(early), this.trackers.warmup.result(early));
    return result.lost > 0 || result.corrupt > 0 ? `${result.lost} lost, ${result.corrupt} corrupt of ${result.acknowledged} acknowledged messages` : undefined;
  }
}

/** The phases a flow tells apart. */
export type FlowPhase = 'measured' | 'warmup';

function phaseOf(flags: number): FlowPhase {
  return (flags & ENVELOPE_WARMUP) !== 0 ? 'warmup' : 'measured';
}
