/** Waiting for a started broker to become ready: TCP connect, HTTP checks, or any async predicate. */
import { connect } from 'node:net';
import { sleep } from '../util/clock.js';

/** Resolves true once `check` returns true, false after `timeoutMs` or when `signal` aborts; checks every `everyMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    if (await check().catch(() => false)) return true;
    await sleep(everyMs, signal);
  }
  return false;
}

/** True when a TCP connection to 127.0.0.1:`port` succeeds. */
export function tcpOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True when GET `url` (with `headers`) answers 2xx and (if given) `accept(body)` holds. */
export async function httpOk(url: string, accept?: (body: string) => boolean, headers?: Record<string, string>): Promise<boolean> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
  if (!response.ok) return false;
  return accept ? accept(await response.text()) : true;
}

/**
 * Runs `check` on a broker that has started (that it is ready for the benchmark, that the durability asked for is in
 * force); when the check throws, stops the broker within `graceMs` and rethrows, so no failed start leaves it running.
 */
export async function checkedOrStopped<T>(started: { stop(graceMs?: number): Promise<void> }, check: () => Promise<T>, graceMs?: number): Promise<T> {
  try {
    return await check();
  } catch (error) {
    await started.stop(graceMs);
    throw error;
  }
}
