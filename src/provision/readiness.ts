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

/** True when GET `url` answers 2xx and (if given) `accept(body)` holds. */
export async function httpOk(url: string, accept?: (body: string) => boolean): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) return false;
  return accept ? accept(await response.text()) : true;
}
