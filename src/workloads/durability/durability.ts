/**
 * The durability workload: acknowledged writes to one topic at a constant rate while faults are applied to the target
 * (kill, pause, power loss, the backend's kill), then a fresh consumer reads the topic back from the start and every
 * sequence number is classified (ledger.ts). The writer keeps writing through each fault: sends fail or time out
 * while the target is down, and each is counted. After a fault that restarted the target, the writer reconnects.
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import type { LogConsumer, LogDriver, LogProducer } from '../../targets/driver.js';
import type { FaultOutcome } from '../../faults/fault.js';
import { nowMs, sleep } from '../../util/clock.js';
import { errorMessage } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { ENVELOPE_BYTES, readEnvelope, writeEnvelope } from '../envelope.js';
import { PayloadSource } from '../payload.js';
import { constantRate } from '../schedule.js';
import type { Workload, WorkloadContext } from '../workload.js';
import { DurabilityLedger, type DurabilityCounts } from './ledger.js';
import { faultFor, type DurabilityParams } from './params.js';
import { faultWindows, type FaultWindow } from './windows.js';

/** What the trial keeps in `extras.durability`. */
export interface DurabilityExtras extends DurabilityCounts {
  /** Whether the target said it fsyncs before acknowledging (its driver's description). */
  fsyncBeforeAck: boolean | null;
  /** Each fault as planned (`atMs` after the writes began, `forMs`), what applying it took, and what the writer saw. A fault that cannot be applied errors the trial. */
  faults: Array<{ kind: string; atMs: number; forMs: number; outcome: FaultOutcome; window: FaultWindow; reconnect?: WriterReconnect }>;
  /** Why sends failed, with how many failed so. */
  sendErrors: Record<string, number>;
  /** The read-back: how long it took, and whether it ended because nothing more arrived. */
  readBackSeconds: number;
  readBackEndedIdle: boolean;
  /**
   * Why the topic could not be read at all (e.g. the stream itself did not survive a power loss): then nothing was
   * read back, and every acknowledged message counts as lost.
   */
  readBackError?: string;
  /**
   * What the broker itself says the topic holds, through its admin interface (where the target offers one): an
   * independent count that the read-back must agree with (every stored message read once: read back + duplicated +
   * corrupt + unknown), or why it could not be asked.
   */
  brokerCount?: { messages: number; method: string; agrees: boolean } | { error: string };
  /**
   * The acknowledged messages not read back that cannot be counted lost: all of them when the trial was interrupted
   * before the read-back finished, and those acknowledged only after it began (whether they would have arrived cannot
   * be told).
   */
  notVerified?: number;
  /**
   * How long the writes went on past `duration` (ms) because the target had not yet acknowledged a write since it was
   * ready again after the last fault (bounded by `recoveryWait`).
   */
  extendedMs: number;
  /** The first runs of acknowledged-but-lost sequences, with when (ms after the writes began) they were acknowledged. */
  lostRuns: Array<{ from: number; to: number; firstAckAtMs: number; lastAckAtMs: number }>;
}

/**
 * The writer's reconnection after a fault that restarted the target: how many attempts (connect, open a producer) it
 * took, when one succeeded (ms after the target was ready again; null: none did before the writes ended), and why the
 * failed ones failed, with how many failed so.
 */
export interface WriterReconnect {
  attempts: number;
  afterReadyMs: number | null;
  errors: Record<string, number>;
}

const CLOSE_TIMEOUT_MS = 10_000;
const RECONNECT_RETRY_MS = 500;
/** The longest one reconnection attempt (connect, open a producer) may take, unless the send timeout is longer. */
const RECONNECT_ATTEMPT_MS = 30_000;
/** Once the target acknowledges again after the last fault, the writes go on this much longer (ms) when extended. */
const AFTER_RECOVERY_MS = 1000;

class DurabilityRun {
  private readonly ledger = new DurabilityLedger();
  private readonly payloads: PayloadSource;
  private producer: LogProducer | undefined;
  private inFlight = 0;
  /** When the target was ready again after the latest fault that has ended (ms, the shared clock). */
  private readyAgainMs: number | undefined;
  /** The first acknowledgement since `readyAgainMs`. */
  private recoveredAtMs: number | undefined;
  /** Connections replaced after a restart, closed when the writes end (closing one to a dead broker may take its timeout). */
  private readonly retired: LogDriver[] = [];
  private readonly closed = new Set<LogDriver>();
  private driver: LogDriver;

  constructor(
    private readonly context: WorkloadContext<DurabilityParams>,
    private readonly params: DurabilityParams,
  ) {
    this.payloads = new PayloadSource(params.payload, params.payloadBytes - ENVELOPE_BYTES, Math.ceil((params.rate * (params.duration + params.recoveryWait)) / 1000), context.seed);
    context.setPayloadInfo(this.payloads.info());
    this.driver = context.driver;
  }

  async run(): Promise<void> {
    const { context, params } = this;
    const topic = `${context.topicPrefix}-durability`;
    const group = `${topic}-reader`;
    context.createdTopics.push(topic);
    await context.driver.createTopic(topic);
    // Where the broker deletes what no subscription needs (Pulsar), the read-back's subscription must exist first.
    await context.driver.registerGroup?.(topic, group);
    const { durability } = await context.driver.describe();
    this.producer = await context.driver.producer(topic);
    const recorder = await context.beginPhase('measured');
    const startMs = nowMs();
    const endMs = startMs + params.duration;
    const faults: DurabilityExtras['faults'] = [];
    let faultError: Error | undefined;
    let faultsDone = false;
    const faulting = this.applyFaults(topic, startMs, faults)
      .catch((error: Error) => (faultError = error))
      .finally(() => (faultsDone = true));
    const recovered = this.recoveryWatch(faults, () => faultsDone, endMs);
    // The intended time of the next send: the writes end at the first one due at `endMs` or later, once recovered.
    let nextSlotMs = startMs;
    const progress = setInterval(() => {
      const elapsed = nowMs() - startMs;
      const waiting = elapsed > params.duration ? ', waiting for an acknowledgement after the last fault' : '';
      context.progress({ phase: 'measured', done: Math.round(elapsed / 1000), total: Math.round(Math.max(elapsed, params.duration) / 1000), unit: 'seconds', note: `${this.ledger.sentTotal} sent${waiting}` });
    }, 1000);
    try {
      await constantRate(
        { intervalMs: 1000 / params.rate, startMs, untilMs: endMs + params.recoveryWait, stop: () => faultError !== undefined || (nextSlotMs >= endMs && recovered()), hold: () => this.inFlight >= params.maxInFlight, lateAfterMs: params.lateAfter, signal: context.signal },
        (slot) => {
          nextSlotMs = startMs + (slot.index + 1) * (1000 / params.rate);
          recorder.recordSendDelay(slot.delayMs, slot.late);
          this.send(slot.index, slot.clockFromMs, recorder);
        },
      );
      const writesEnd = nowMs();
      await faulting;
      if (faultError) throw faultError;
      // Every send resolves or times out within sendTimeout.
      await this.settled(params.sendTimeout + 1000);
      // A client may go on retrying a send the writer gave up on (librdkafka delivered 4,268 of them 6 s after a Kafka
      // restart, after the read-back had ended): every producer and connection is closed (flushed or dropped) first.
      await this.closeAll();
      this.ledger.readBackBegan(nowMs());
      const readStarted = performance.now();
      const read = context.signal.aborted ? { endedIdle: false } : await this.readBack(topic, group);
      const brokerCount = read.error || context.signal.aborted ? undefined : await this.brokerCount(topic);
      const classified = this.ledger.classify();
      // Interrupted before the read-back finished: what was not read is unverified, not lost.
      const interrupted = context.signal.aborted;
      const counts = interrupted ? { ...classified, acknowledgedLost: 0 } : classified;
      const notVerified = (interrupted ? classified.acknowledgedLost : 0) + classified.acknowledgedDuringReadBack;
      const spans = faults.map(({ outcome }) => ({ startedMs: outcome.startedMs, readyMs: outcome.readyMs }));
      const windows = faultWindows(this.ledger.acknowledgementTimes(), spans, startMs, writesEnd);
      faults.forEach((fault, index) => (fault.window = windows[index]!));
      const extras: DurabilityExtras = {
        ...counts,
        fsyncBeforeAck: durability.fsyncBeforeAck,
        faults,
        sendErrors: Object.fromEntries(this.ledger.failureReasons),
        readBackSeconds: (performance.now() - readStarted) / 1000,
        readBackEndedIdle: read.endedIdle,
        extendedMs: Math.max(0, Math.round(nextSlotMs - endMs)),
        ...(notVerified > 0 ? { notVerified } : {}),
        lostRuns: interrupted ? [] : this.ledger.lostRuns().map(({ from, to, firstAckMs, lastAckMs }) => ({ from, to, firstAckAtMs: Math.round(firstAckMs - startMs), lastAckAtMs: Math.round(lastAckMs - startMs) })),
        ...(read.error ? { readBackError: read.error } : {}),
        ...(brokerCount ? { brokerCount: checkedCount(brokerCount, counts) } : {}),
      };
      context.setExtra('durability', extras);
      recorder.addDelivery({
        published: counts.sent,
        acknowledged: counts.acknowledged,
        delivered: counts.readBack,
        lost: counts.acknowledgedLost,
        ...(notVerified > 0 ? { notDelivered: notVerified } : {}),
        duplicated: counts.duplicated,
        outOfOrder: counts.outOfOrder,
        corrupt: counts.corrupt,
      });
      await context.endPhase();
      this.verdict(extras);
    } finally {
      clearInterval(progress);
      await this.closeAll();
    }
  }

  /** Sends sequence `sequence` without waiting; its fate goes into the ledger. */
  private send(sequence: number, clockFromMs: number, recorder: PhaseRecorder): void {
    const { ledger, params } = this;
    ledger.sent(sequence);
    const producer = this.producer;
    if (!producer) {
      ledger.failed(sequence, 'no connection: the writer was reconnecting after a fault');
      return;
    }
    const body = this.payloads.body(sequence);
    const message = Buffer.allocUnsafe(params.payloadBytes);
    message.set(body.bytes, ENVELOPE_BYTES);
    const sentMs = nowMs();
    writeEnvelope(message, { producerId: 0, sequence, intendedMs: clockFromMs, sentMs, bodyCrc: body.crc });
    this.inFlight += 1;
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      this.inFlight -= 1;
      ledger.timedOut(sequence);
    }, params.sendTimeout);
    const settle = () => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      this.inFlight -= 1;
    };
    producer.send(message).then(
      () => {
        const ackedMs = nowMs();
        settle();
        ledger.acknowledged(sequence, ackedMs);
        if (this.recoveredAtMs === undefined && this.readyAgainMs !== undefined && ackedMs >= this.readyAgainMs) this.recoveredAtMs = ackedMs;
        recorder.recordPublish(ackedMs - clockFromMs, message.length, ackedMs);
      },
      (error: unknown) => {
        settle();
        ledger.failed(sequence, errorMessage(error));
      },
    );
  }

  /**
   * Whether the writes may end at `endMs` or later: every fault applied, and the target acknowledged a write since it
   * was ready again after the last one (when that came only past `endMs`, AFTER_RECOVERY_MS ago).
   */
  private recoveryWatch(faults: DurabilityExtras['faults'], faultsDone: () => boolean, endMs: number): () => boolean {
    return () => {
      if (!faultsDone()) return false;
      if (faults.length === 0) return true;
      const recoveredAtMs = this.recoveredAtMs;
      return recoveredAtMs !== undefined && (recoveredAtMs <= endMs || nowMs() - recoveredAtMs >= AFTER_RECOVERY_MS);
    };
  }

  /** Applies the scheduled faults in order; after one that restarted the target, the writer reconnects. */
  private async applyFaults(topic: string, startMs: number, faults: DurabilityExtras['faults']): Promise<void> {
    const { context, params } = this;
    for (const spec of params.faults) {
      await sleep(startMs + spec.at - nowMs(), context.signal);
      if (context.signal.aborted) return;
      const base = { kind: spec.kind, atMs: spec.at, forMs: faultFor(spec) };
      if (!context.fault) throw new Error('this worker cannot apply faults (no coordinator behind it)');
      const outcome = await context.fault({ kind: spec.kind, forMs: base.forMs });
      faults.push({ ...base, outcome, window: { unavailableMs: 0, firstAckAfterReadyMs: null, throughput: { before: 0, during: 0, after: 0 } } });
      this.readyAgainMs = outcome.readyMs;
      this.recoveredAtMs = undefined;
      if (spec.kind !== 'pause') faults.at(-1)!.reconnect = await this.reconnect(topic, outcome.readyMs, startMs + params.duration + params.recoveryWait);
    }
  }

  /**
   * A fresh connection and producer (the old ones are closed when the writes end); retried until `untilMs`. Returns what the
   * attempts took and why the failed ones failed (a target that never takes a producer again explains itself).
   */
  private async reconnect(topic: string, readyMs: number, untilMs: number): Promise<WriterReconnect> {
    this.producer = undefined;
    this.retired.push(this.driver);
    const outcome: WriterReconnect = { attempts: 0, afterReadyMs: null, errors: {} };
    const failed = (error: unknown) => (outcome.errors[errorMessage(error)] = (outcome.errors[errorMessage(error)] ?? 0) + 1);
    // An attempt may take longer than a send: after an unclean restart Pulsar recovers a topic's ledgers before it
    // opens a producer on it, which took longer than a 3 s send timeout here under load.
    const attemptMs = () => Math.max(this.params.sendTimeout, Math.min(RECONNECT_ATTEMPT_MS, untilMs - nowMs()));
    while (!this.context.signal.aborted && nowMs() < untilMs) {
      outcome.attempts += 1;
      const connecting = this.context.reconnect();
      let driver: LogDriver;
      try {
        driver = await withTimeout(connecting, attemptMs(), 'reconnecting');
      } catch (error) {
        failed(error);
        // A connection that comes after its attempt was given up is closed at the end with the others.
        connecting.then((late) => this.retired.push(late), () => undefined);
        await sleep(RECONNECT_RETRY_MS, this.context.signal);
        continue;
      }
      this.driver = driver;
      const opening = driver.producer(topic);
      try {
        this.producer = await withTimeout(opening, attemptMs(), 'opening a producer');
        outcome.afterReadyMs = Math.max(0, Math.round(nowMs() - readyMs));
        return outcome;
      } catch (error) {
        failed(error);
        opening.then((late) => late.close().catch(() => undefined), () => undefined);
        this.retired.push(driver);
        await sleep(RECONNECT_RETRY_MS, this.context.signal);
      }
    }
    return outcome;
  }

  /** Waits until no send is outstanding (each ends by its timeout at the latest), at most `boundMs`. */
  private async settled(boundMs: number): Promise<void> {
    const until = performance.now() + boundMs;
    while (this.inFlight > 0 && performance.now() < until && !this.context.signal.aborted) await sleep(10);
  }

  /**
   * Reads the topic from the start with a fresh connection: `endedIdle` when it ended because nothing more arrived;
   * `error` when no consumer could be opened on the topic within `readIdle` (the topic did not survive).
   */
  private async readBack(topic: string, group: string): Promise<{ endedIdle: boolean; error?: string }> {
    const { context, ledger, params } = this;
    const reader = await context.reconnect();
    let lastArrival = performance.now();
    let arrived = false;
    let failure: Error | undefined;
    // A read-back's first message may wait on the target's recovery after a fault (a consumer's group join on a Kafka
    // broker just restarted): until something arrives, while something acknowledged should, the wait is readIdle plus
    // recoveryWait; then readIdle. (A loaded full suite once counted all 3,579 acknowledged messages of a Kafka restart
    // lost, which a late first message explains; it did not happen again in three runs beside a CPU hog.)
    const firstWait = ledger.acknowledgementTimes().length > 0 ? params.readIdle + params.recoveryWait : params.readIdle;
    const options = {
      group,
      from: 'earliest' as const,
      messageBytes: params.payloadBytes,
      onMessage: (payload: Uint8Array) => {
        lastArrival = performance.now();
        arrived = true;
        const check = readEnvelope(payload);
        if (check.ok) ledger.read(check.envelope.sequence);
        else ledger.corrupt();
      },
      onError: (error: Error) => (failure ??= error),
    };
    let consumer: LogConsumer | undefined;
    try {
      for (const giveUpAt = performance.now() + params.readIdle; !consumer; ) {
        try {
          consumer = await withTimeout(reader.consumer(topic, options), params.readIdle, 'opening the read-back consumer');
        } catch (error) {
          if (performance.now() >= giveUpAt || context.signal.aborted) return { endedIdle: false, error: errorMessage(error) };
          await sleep(RECONNECT_RETRY_MS, context.signal);
        }
      }
      lastArrival = performance.now();
      for (;;) {
        if (failure) throw new Error(`the read-back failed: ${failure.message}`);
        if (ledger.allRead()) return { endedIdle: false };
        if (performance.now() - lastArrival > (arrived ? params.readIdle : firstWait) || context.signal.aborted) return { endedIdle: true };
        await sleep(50);
      }
    } finally {
      if (consumer) await withTimeout(consumer.close(), CLOSE_TIMEOUT_MS, 'closing the read-back consumer').catch(() => undefined);
      await withTimeout(reader.close(), CLOSE_TIMEOUT_MS, 'closing the read-back connection').catch(() => undefined);
    }
  }

  /** The broker's own count of the topic's messages, through a fresh connection (undefined where it has none). */
  private async brokerCount(topic: string): Promise<{ messages: number; method: string } | { error: string } | undefined> {
    const connection = await this.context.reconnect();
    try {
      if (!connection.countMessages) return undefined;
      return await withTimeout(connection.countMessages(topic), CLOSE_TIMEOUT_MS, "asking the broker for the topic's message count");
    } catch (error) {
      return { error: errorMessage(error) };
    } finally {
      await withTimeout(connection.close(), CLOSE_TIMEOUT_MS, 'closing the connection').catch(() => undefined);
    }
  }

  /** A target that fsyncs before acknowledging must lose nothing; a corrupt message fails any target. */
  private verdict(extras: DurabilityExtras): void {
    const count = extras.brokerCount;
    if (count && 'messages' in count && !count.agrees) {
      const read = extras.readBack + extras.duplicated + extras.corrupt + extras.unknown;
      this.context.fail(`the read-back saw ${read} messages where the broker says the topic holds ${count.messages} (${count.method}): the classification cannot be trusted`);
    }
    if (extras.corrupt > 0) this.context.fail(`${extras.corrupt} messages read back corrupt`);
    if (extras.acknowledgedLost > 0 && extras.fsyncBeforeAck === true) {
      this.context.fail(`${extras.acknowledgedLost} of ${extras.acknowledged} acknowledged messages lost, though the target fsyncs before acknowledging`);
    }
  }

  /** Closes the producer and every connection the writer opened (once each; a second call closes what came since). */
  private async closeAll(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await withTimeout(producer.close(), CLOSE_TIMEOUT_MS, 'closing the producer').catch(() => undefined);
    // The trial's own connection (context.driver) is closed by the harness; the others here.
    const drivers = [...this.retired.splice(0), this.driver].filter((driver) => driver !== this.context.driver && !this.closed.has(driver));
    drivers.forEach((driver) => this.closed.add(driver));
    await Promise.allSettled(drivers.map((driver) => withTimeout(driver.close(), CLOSE_TIMEOUT_MS, 'closing a connection')));
  }
}

/** The broker's count, and whether it agrees with the read-back: every stored message read once. */
function checkedCount(count: { messages: number; method: string } | { error: string }, read: DurabilityCounts): NonNullable<DurabilityExtras['brokerCount']> {
  if ('error' in count) return count;
  return { ...count, agrees: count.messages === read.readBack + read.duplicated + read.corrupt + read.unknown };
}

/** The durability workload. */
export const durabilityWorkload: Workload<DurabilityParams> = {
  type: 'durability',
  run: (context) => new DurabilityRun(context, context.params).run(),
};
