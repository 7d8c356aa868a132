/**
 * How load is offered, apart from what each operation does (k6's executors): a constant rate (open loop: each send at
 * its intended time, whatever the broker does) or a closed loop (N operations in flight, the next when one completes),
 * either for a fixed count or until told to stop.
 *
 * One definition of late, for every workload: an open-loop send that goes out more than `lateAfterMs` (default 1 ms)
 * after its intended time is late. Open-loop latency is timed from min(intended, actual), so it is never understated:
 * a late send is timed from its intended time, so whatever held it back (the harness, back-pressure) is in the figure,
 * as an open system's user sees it (the correction for coordinated omission), and `lateSends` and the send delay say
 * how much of it was the harness; a send the timer released early (by at most 1 ms: timers are millisecond-grained) is
 * timed from when it actually went out. A closed loop has no intended time: its latency is from the actual send.
 */
import { nowMs, sleep } from '../util/clock.js';

/** A send more than this many ms after its intended time is late (the default of every workload's `lateAfter`). */
export const DEFAULT_LATE_AFTER_MS = 1;

/** The longest sleep between checks of `stop()` while a send is not yet due. */
const STOP_CHECK_MS = 50;
/** Sends fired in a row before the loop yields to I/O (so acknowledgements are read meanwhile). */
const YIELD_EVERY = 256;

/** One slot of a constant-rate schedule. */
export interface RateSlot {
  /** 0, 1, 2, … in order. */
  index: number;
  /** When it was meant to go out (epoch ms). */
  intendedMs: number;
  /** Where its latency is timed from: min(intended, actual) (epoch ms). */
  clockFromMs: number;
  /** How long after that it went out (ms, ≥ 0). */
  delayMs: number;
  /** Whether that is more than `lateAfterMs`. */
  late: boolean;
}

/** A constant-rate (open-loop) schedule. */
export interface ConstantRate {
  /** Milliseconds between intended sends (1000 / rate). */
  intervalMs: number;
  /** Stop after this many sends (a fixed count); without it, until `stop()` or `untilMs`. */
  count?: number;
  /** No send is intended at or after this time (epoch ms). */
  untilMs?: number;
  /** When the schedule starts (epoch ms; default now). */
  startMs?: number;
  /** Checked before every send: true ends the schedule. */
  stop(): boolean;
  /** While true, the due send waits (bounded memory); it goes out late, and counts as such. */
  hold?(): boolean;
  lateAfterMs?: number;
  signal: AbortSignal;
}

/**
 * Calls `fire` for every slot of the schedule at its intended time (at most 1 ms before it); `fire` must not wait for
 * the operation (it starts it). Resolves when the schedule ends, with the number of slots fired.
 */
export async function constantRate(schedule: ConstantRate, fire: (slot: RateSlot) => void): Promise<number> {
  const start = schedule.startMs ?? nowMs();
  const lateAfter = schedule.lateAfterMs ?? DEFAULT_LATE_AFTER_MS;
  let index = 0;
  while ((schedule.count === undefined || index < schedule.count) && !schedule.stop() && !schedule.signal.aborted) {
    const intendedMs = start + index * schedule.intervalMs;
    if (schedule.untilMs !== undefined && intendedMs >= schedule.untilMs) break;
    const wait = intendedMs - nowMs();
    if (wait > 1) {
      await sleep(Math.min(wait, STOP_CHECK_MS), schedule.signal);
      continue;
    }
    if (schedule.hold?.()) {
      await sleep(1, schedule.signal);
      continue;
    }
    const actualMs = nowMs();
    const delayMs = Math.max(0, actualMs - intendedMs);
    fire({ index, intendedMs, clockFromMs: Math.min(intendedMs, actualMs), delayMs, late: delayMs > lateAfter });
    index += 1;
    if (index % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return index;
}

/** One operation of a closed loop. */
export interface LoopSlot {
  /** 0, 1, 2, … in the order operations start. */
  index: number;
  /** Which of the `concurrency` lanes runs it. */
  lane: number;
}

/** A closed loop: `concurrency` operations in flight. */
export interface ClosedLoop {
  concurrency: number;
  /** Stop after this many operations (a fixed count); without it, until `stop()`. */
  count?: number;
  /** Checked before every operation: true ends the loop. */
  stop(): boolean;
}

/** Runs `operation` with `concurrency` in flight until the count or `stop()`; resolves when every lane has ended. */
export async function closedLoop(loop: ClosedLoop, operation: (slot: LoopSlot) => Promise<void>): Promise<number> {
  let next = 0;
  await Promise.all(
    Array.from({ length: loop.concurrency }, async (_, lane) => {
      while ((loop.count === undefined || next < loop.count) && !loop.stop()) await operation({ index: next++, lane });
    }),
  );
  return next;
}
