/** What each fault did to the write stream, read from the acknowledgement times: the gap it opened and the rates around it. */

/** One fault as the stream saw it. */
export interface FaultWindow {
  /** The longest time without an acknowledgement that overlaps the fault (ms): the unavailability a writer saw. */
  unavailableMs: number;
  /** From the target being ready again to the next acknowledgement (ms; null when none came). */
  firstAckAfterReadyMs: number | null;
  /** Acknowledgements per second before the fault (since the previous one ended), during it, and after it (until the next). */
  throughput: { before: number; during: number; after: number };
}

/** The stretch of time a fault took: from its start to the target being ready again. */
export interface FaultSpan {
  startedMs: number;
  readyMs: number;
}

/**
 * Reads each fault's window from sorted acknowledgement times. The writes ran from `startMs` to `endMs`; `spans` are in
 * time order and do not overlap.
 */
export function faultWindows(ackTimes: Float64Array, spans: readonly FaultSpan[], startMs: number, endMs: number): FaultWindow[] {
  return spans.map((span, index) => {
    const previousEnd = index === 0 ? startMs : spans[index - 1]!.readyMs;
    const nextStart = index + 1 < spans.length ? spans[index + 1]!.startedMs : endMs;
    const rate = (from: number, to: number) => (to > from ? (countBetween(ackTimes, from, to) * 1000) / (to - from) : 0);
    const firstAfter = ackTimes[lowerBound(ackTimes, span.readyMs)];
    return {
      unavailableMs: longestGapOver(ackTimes, span, startMs, endMs),
      firstAckAfterReadyMs: firstAfter === undefined ? null : firstAfter - span.readyMs,
      throughput: { before: rate(previousEnd, span.startedMs), during: rate(span.startedMs, span.readyMs), after: rate(span.readyMs, Math.max(span.readyMs, nextStart)) },
    };
  });
}

/** The longest gap between consecutive acknowledgements (the writes' start and end as bounds) that overlaps `span`. */
function longestGapOver(ackTimes: Float64Array, span: FaultSpan, startMs: number, endMs: number): number {
  // The acknowledgement just before the fault began, then every gap up to the first one after it was ready again.
  let index = lowerBound(ackTimes, span.startedMs) - 1;
  let previous = index >= 0 ? ackTimes[index]! : startMs;
  let longest = 0;
  for (index += 1; ; index++) {
    const next = index < ackTimes.length ? ackTimes[index]! : Math.max(endMs, span.readyMs);
    longest = Math.max(longest, next - previous);
    if (next >= span.readyMs || index >= ackTimes.length) return longest;
    previous = next;
  }
}

function countBetween(sorted: Float64Array, from: number, to: number): number {
  return lowerBound(sorted, to) - lowerBound(sorted, from);
}

/** The first index whose value is ≥ `value`. */
function lowerBound(sorted: Float64Array, value: number): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
