/** The harness clock: wall-clock milliseconds with sub-millisecond resolution, monotonic within a process. */

const origin = performance.timeOrigin;

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
