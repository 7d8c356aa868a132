/**
 * Load clients: processes besides the trial's own that run part of a workload's load (the stream's producers with
 * `clients: N`) and report what they measured. The workload talks to each over a channel of plain messages, so a
 * client may be a child process on this machine (today) or a remote worker (the same messages over the network).
 */

/** A message channel to one load client. */
export interface LoadClientChannel {
  /** What the client is, for messages, e.g. "load client 2 (pid 1234)". */
  readonly label: string;
  /** Sends a message (plain, serialisable data). */
  send(message: unknown): void;
  /** The client's next message; rejects when it exits or fails first, or after `timeoutMs` when given. */
  next(timeoutMs?: number): Promise<unknown>;
  /** Stops the client (waits a bounded time for it to exit, then kills it). */
  close(): Promise<void>;
}

/** What a load client gets to start a role: which workload part to run, and its spec. */
export interface LoadClientStart {
  type: 'start';
  /** The role, e.g. "stream-producers". */
  role: string;
  spec: unknown;
}

/** A check of a protocol's next message: `expect(message, type, channel)` returns it as that member of `M`, else throws naming the client. */
export function messageExpecter<M extends { type: string }>() {
  return <T extends M['type']>(message: unknown, type: T, channel: LoadClientChannel): Extract<M, { type: T }> => {
    const received = message as M;
    if (received.type !== type) throw new Error(`${channel.label} sent ${received.type} where ${type} was expected`);
    return received as Extract<M, { type: T }>;
  };
}

/** A load client's own CPU and memory, sent every USAGE_REPORT_MS (for clients the trial cannot read by pid). */
export interface LoadClientUsage {
  type: 'usage';
  /** Cumulative CPU seconds of the client's process. */
  cpuSeconds: number;
  rssBytes: number;
}

/** How often a load client reports its usage. */
export const USAGE_REPORT_MS = 250;

/** True when `message` is a load client's usage report (handled by the channel, not by the workload's protocol). */
export function isUsageReport(message: unknown): message is LoadClientUsage {
  return typeof message === 'object' && message !== null && (message as LoadClientUsage).type === 'usage';
}
