/**
 * Clock offsets of load clients, NTP-style: the coordinator sends its time t0, the client answers with its own time
 * t1 on receipt, the coordinator notes t3 on the answer. offset = t1 − (t0 + t3) / 2 is the client's clock minus the
 * coordinator's, known to within half the round trip; the round with the shortest round trip is kept.
 */
import { nowMs } from '../util/clock.js';
import { CLOCK_DEFAULTS } from './fields.js';
import type { LoadClientChannel } from './load-client.js';

/** The coordinator's clock question. */
export interface ClockPing {
  type: 'clock';
  t0: number;
}

/** The client's answer: the question's t0 and the client's time on receipt. */
export interface ClockPong {
  type: 'clock';
  t0: number;
  t1: number;
}

/** One measurement of a client's clock against the coordinator's. */
export interface ClockReading {
  /** The client's clock minus the coordinator's, ms. */
  offsetMs: number;
  /** Half the shortest round trip: the true offset lies within offsetMs ± this. */
  uncertaintyMs: number;
  /** Exchanges made. */
  rounds: number;
}

/** Exchanges per measurement. */
const ROUNDS = 16;
const ANSWER_TIMEOUT_MS = 10_000;

/** True when `message` is the coordinator's clock question. */
export function isClockPing(message: unknown): message is ClockPing {
  return typeof message === 'object' && message !== null && (message as ClockPing).type === 'clock' && typeof (message as ClockPing).t0 === 'number';
}

/** The answer to a clock question, stamped now (call it as soon as the question arrives). */
export function clockPong(ping: ClockPing): ClockPong {
  return { type: 'clock', t0: ping.t0, t1: nowMs() };
}

/** Measures the client's clock over `channel` (nothing else may be in flight on it). */
export async function measureClock(channel: LoadClientChannel, rounds = ROUNDS, now: () => number = nowMs): Promise<ClockReading> {
  let best: ClockReading | undefined;
  for (let round = 0; round < rounds; round++) {
    const t0 = now();
    channel.send({ type: 'clock', t0 } satisfies ClockPing);
    const answer = (await channel.next(ANSWER_TIMEOUT_MS)) as Partial<ClockPong>;
    const t3 = now();
    if (answer.type !== 'clock' || answer.t0 !== t0 || typeof answer.t1 !== 'number') throw new Error(`${channel.label} did not answer the clock exchange (sent ${JSON.stringify(answer).slice(0, 120)})`);
    const reading = { offsetMs: answer.t1 - (t0 + t3) / 2, uncertaintyMs: (t3 - t0) / 2, rounds };
    if (!best || reading.uncertaintyMs < best.uncertaintyMs) best = reading;
  }
  return best!;
}

/** A client's clock before and after a trial: the offset used is the one before; drift widens the uncertainty. */
export interface ClockCheck {
  client: string;
  offsetMs: number;
  uncertaintyMs: number;
  before: ClockReading;
  after?: ClockReading;
}

/** Combines the readings before and after a trial. */
export function clockCheck(client: string, before: ClockReading, after?: ClockReading): ClockCheck {
  const drift = after ? Math.abs(after.offsetMs - before.offsetMs) : 0;
  const uncertaintyMs = Math.max(before.uncertaintyMs, after?.uncertaintyMs ?? 0) + drift;
  return { client, offsetMs: before.offsetMs, uncertaintyMs, before, ...(after ? { after } : {}) };
}

/** The clocks of a trial's load clients: measured before the trial starts, and again after their last reports. */
export class ClientClocks {
  /** Measures every client's clock (nothing else may be in flight on the channels). */
  static async measure(channels: readonly LoadClientChannel[]): Promise<ClientClocks> {
    return new ClientClocks(channels, await Promise.all(channels.map((channel) => measureClock(channel))));
  }

  private constructor(
    private readonly channels: readonly LoadClientChannel[],
    private readonly before: ClockReading[],
  ) {}

  /** Client `index`'s clock minus this process's, ms, as measured before the trial. */
  offsetMs(index: number): number {
    return this.before[index]!.offsetMs;
  }

  /** Measures again (a client that no longer answers keeps only its first reading) and combines both readings. */
  async checks(): Promise<ClockCheck[]> {
    const after = await Promise.all(this.channels.map((channel) => measureClock(channel).catch(() => undefined)));
    return this.channels.map((channel, index) => clockCheck(channel.label, this.before[index]!, after[index]));
  }
}

/** Records the clients' clocks in the trial (extras.clocks), and fails it when they are uncertain and it asks to. */
export function recordClocks(
  trial: { setExtra(key: string, value: unknown): void; fail(reason: string): void },
  clocks: ClockCheck[],
  params: { clockTolerance?: number | undefined; uncertainClock?: 'mark' | 'fail' | undefined },
  e2eMedianMs: number | undefined,
): void {
  if (clocks.length === 0) return;
  const { extra, failure } = judgeClocks(clocks, { tolerance: params.clockTolerance ?? CLOCK_DEFAULTS.tolerance, mode: params.uncertainClock ?? CLOCK_DEFAULTS.mode, e2eMedianMs });
  trial.setExtra('clocks', extra);
  if (failure) trial.fail(failure);
}

/** What a trial records of its load clients' clocks (extras.clocks). */
export interface ClocksExtra {
  tolerance: number;
  e2eMedianMs?: number;
  uncertain: boolean;
  clients: ClockCheck[];
}

/**
 * Whether end-to-end figures whose send times came from these clients' clocks are within `tolerance` of the median:
 * the record for extras.clocks, and the failure to report when `mode` is fail and they are not.
 */
export function judgeClocks(clocks: ClockCheck[], options: { tolerance: number; mode: 'mark' | 'fail'; e2eMedianMs: number | undefined }): { extra: ClocksExtra; failure?: string } {
  const { tolerance, mode, e2eMedianMs } = options;
  const worst = Math.max(...clocks.map((clock) => clock.uncertaintyMs));
  const uncertain = e2eMedianMs !== undefined && worst > tolerance * e2eMedianMs;
  const extra: ClocksExtra = { tolerance, ...(e2eMedianMs === undefined ? {} : { e2eMedianMs }), uncertain, clients: clocks };
  if (!uncertain || mode !== 'fail') return { extra };
  return { extra, failure: `a load client's clock is known to ±${worst.toFixed(3)} ms, more than ${tolerance} of the end-to-end median (${e2eMedianMs!.toFixed(3)} ms): the end-to-end figures are uncertain` };
}
