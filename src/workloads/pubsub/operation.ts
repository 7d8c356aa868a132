/**
 * One pub/sub operation (METHODOLOGY A, as Milvus's stream_bench_test.go defines it): on a fresh topic, a producer
 * sends N messages in order, each awaiting its acknowledgement, while a consumer subscribed from the earliest
 * position reads until all N have arrived; the operation ends when the last one is received and both sides are closed.
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import type { LogConsumer, LogDriver, LogProducer } from '../../targets/driver.js';
import { nowMs } from '../../util/clock.js';
import { withTimeout } from '../../util/timeout.js';
import type { DeliveryCounts } from '../../metrics/delivery-counts.js';
import { DeliveryTracker } from '../delivery.js';
import { ENVELOPE_BYTES, readEnvelope, writeEnvelope } from '../envelope.js';
import type { PayloadSource } from '../payload.js';
import { SendBuffers } from '../send-buffers.js';

/** What an operation needs. */
export interface OperationInput {
  driver: LogDriver;
  topic: string;
  messages: number;
  messageBytes: number;
  payloads: PayloadSource;
  buffers: SendBuffers;
  recorder: PhaseRecorder;
  /** The operation fails when nothing is acknowledged or delivered for this long. */
  stallTimeoutMs: number;
  signal: AbortSignal;
  /** Called with the number of messages delivered so far (throttled by the caller). */
  onDelivered(count: number): void;
  /** Where the producer runs when not in this process (a load client); the consumer always runs here. */
  remote?: RemoteOperationProducer;
}

/** What the operation hears of its producer's sends. */
export interface SendActivity {
  onSent(): void;
  onAcknowledged(sequence: number): void;
}

/** An operation's producer in a load client: it sends the operation's messages and reports each acknowledgement. */
export interface RemoteOperationProducer {
  /** Its clock minus this process's, ms. */
  clockOffsetMs: number;
  /** Sends every message of the operation on `topic`, each awaiting its acknowledgement; resolves when all are. */
  produce(topic: string, activity: SendActivity): Promise<void>;
}

/** What sending one operation's messages needs. */
export interface SendInput extends SendActivity {
  messages: number;
  payloads: PayloadSource;
  buffers: SendBuffers;
  recorder: PhaseRecorder;
  signal: AbortSignal;
}

/** Sends messages 0…N−1 of an operation in order through `producer`, each awaiting its acknowledgement (the Go benchmark's loop). */
export async function sendEachAwaited(producer: LogProducer, input: SendInput): Promise<void> {
  for (let sequence = 0; sequence < input.messages && !input.signal.aborted; sequence++) {
    const message = input.buffers.acquire();
    const body = input.payloads.body(sequence);
    body.bytes.copy(message, ENVELOPE_BYTES);
    const sentMs = nowMs();
    writeEnvelope(message, { producerId: PRODUCER_ID, sequence, intendedMs: sentMs, sentMs, bodyCrc: body.crc });
    input.onSent();
    await producer.send(message);
    const ackedMs = nowMs();
    input.onAcknowledged(sequence);
    input.recorder.recordPublish(ackedMs - sentMs, message.length, ackedMs);
    input.buffers.release(message);
  }
}

/** The outcome of an operation: its wall time, delivery check and, when it did not complete, why. */
export interface OperationResult {
  seconds: number;
  delivery: DeliveryCounts;
  error?: Error;
  /** `stall`: nothing was acknowledged or delivered for the stall timeout (lost messages look like this). */
  errorKind?: 'stall' | 'failure';
  aborted: boolean;
}

const PRODUCER_ID = 1;
const CLOSE_TIMEOUT_MS = 30_000;

/** Runs one operation. It never throws: failures are returned with whatever was measured. */
export async function runOperation(input: OperationInput): Promise<OperationResult> {
  const { driver, topic, messages, recorder } = input;
  const tracker = new DeliveryTracker();
  const startedAt = performance.now();
  let lastActivity = startedAt;
  let producer: LogProducer | undefined;
  let consumer: LogConsumer | undefined;
  let allDelivered!: () => void;
  const consumed = new Promise<void>((resolve) => (allDelivered = resolve));
  let errorKind: OperationResult['errorKind'];
  let resolveFailed!: (error: Error) => void;
  const failed = new Promise<Error>((resolve) => (resolveFailed = resolve));
  const fail = (error: Error, kind: 'stall' | 'failure' = 'failure') => {
    errorKind ??= kind;
    resolveFailed(error);
  };

  const onMessage = (payload: Uint8Array) => {
    const receivedMs = nowMs();
    lastActivity = performance.now();
    const check = readEnvelope(payload);
    if (!check.ok) {
      tracker.onCorrupt();
      return;
    }
    if (!tracker.onDelivered(check.envelope.producerId, check.envelope.sequence)) return;
    // A remote producer's send times are in its clock: moved into this one by its measured offset.
    recorder.recordDelivery(receivedMs - (check.envelope.intendedMs - (input.remote?.clockOffsetMs ?? 0)), payload.byteLength, receivedMs);
    input.onDelivered(tracker.delivered);
    if (tracker.delivered === messages) allDelivered();
  };

  const watchdog = setInterval(() => {
    const idleMs = performance.now() - lastActivity;
    if (idleMs > input.stallTimeoutMs) {
      fail(new Error(`no message acknowledged or delivered for ${(idleMs / 1000).toFixed(1)} s (delivered ${tracker.delivered} of ${messages})`), 'stall');
    }
  }, Math.min(1000, input.stallTimeoutMs));
  const onAbort = () => fail(new Error('interrupted'));
  input.signal.addEventListener('abort', onAbort, { once: true });

  const activity = {
    onSent: () => tracker.onPublished(),
    onAcknowledged: (sequence: number) => {
      lastActivity = performance.now();
      tracker.onAcknowledged(PRODUCER_ID, sequence);
    },
  };
  const produce = async () => {
    if (input.remote) return input.remote.produce(topic, activity);
    producer = await driver.producer(topic);
    await sendEachAwaited(producer, { ...input, ...activity });
  };

  // Both sides must finish: every send acknowledged and every message delivered (the Go benchmark's wg.Wait()).
  const work = (async () => {
    await driver.createTopic(topic);
    const subscribe = driver
      .consumer(topic, { group: topic, from: 'earliest', onMessage, onError: fail, messageBytes: input.messageBytes, payloadLifetime: 'call' })
      .then((created) => (consumer = created));
    await Promise.all([subscribe, produce()]);
    await consumed;
  })();
  const error = await Promise.race([
    work.then(
      () => undefined,
      (failure: unknown) => {
        errorKind ??= 'failure';
        return failure instanceof Error ? failure : new Error(String(failure));
      },
    ),
    failed,
  ]);
  clearInterval(watchdog);
  input.signal.removeEventListener('abort', onAbort);
  const closing = await Promise.allSettled([
    producer && withTimeout(producer.close(), CLOSE_TIMEOUT_MS, 'closing the producer'),
    consumer && withTimeout(consumer.close(), CLOSE_TIMEOUT_MS, 'closing the consumer'),
  ]);
  const closeFailure = closing.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  const finalError = error ?? (closeFailure ? new Error(`closing failed: ${String(closeFailure.reason)}`) : undefined);
  return {
    seconds: (performance.now() - startedAt) / 1000,
    // Interrupted, or failed before it waited for every message: the undelivered are not known to be lost.
    delivery: tracker.result(input.signal.aborted || (finalError !== undefined && errorKind !== 'stall')),
    error: finalError,
    errorKind: finalError ? (errorKind ?? 'failure') : undefined,
    aborted: input.signal.aborted,
  };
}
