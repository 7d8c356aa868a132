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
