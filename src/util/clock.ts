/** The harness clock: wall-clock milliseconds with sub-millisecond resolution, monotonic within a process. */

/**
 * MQBENCH_CLOCK_SKEW_MS shifts this process's clock on purpose (a load client or worker whose machine's clock is
 * wrong), so tests can check that cross-process latencies are corrected by the measured offset.
 */
const origin = performance.timeOrigin + (Number(process.env.MQBENCH_CLOCK_SKEW_MS) || 0);

/** Milliseconds since the Unix epoch, fractional (from the monotonic high-resolution timer). */
export function nowMs(): number {
  return origin + performance.now();
}

/** Resolves after `ms` milliseconds, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
