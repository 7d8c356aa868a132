/**
 * Load clients on `mqbench worker`s (`workers:` in a scenario): load client k of N runs on worker k mod W, over a
 * WebSocket of its own. To the workload a remote client is a LoadClientChannel like a forked one; only the label
 * and the end (a closed connection, or the worker's report that its client exited) differ.
 */
import WebSocket from 'ws';
import { MessageQueue } from '../util/message-queue.js';
import { errorMessage } from '../util/errors.js';
import { isUsageReport, type LoadClientChannel, type LoadClientUsage } from '../workloads/load-client.js';
import type { LoadClientConnect } from './load-clients.js';
import { decodeFrame, encodeFrame, helloMismatch, workerToken, type WorkerExit, type WorkerHello } from './worker-protocol.js';

const CONNECT_TIMEOUT_MS = 15_000;
const CLOSE_WAIT_MS = 10_000;

/** Takes a remote client's usage reports (the trial's client probe counts them). */
export type UsageListener = (reading: { cpuSeconds: number; rssBytes: number; ended?: boolean }) => void;

/**
 * Connects `count` load clients, dealt round-robin over `urls`, each to the target in `connect`; `track` gives each
 * client's usage reports a listener.
 */
export async function connectRemoteLoadClients(urls: readonly string[], count: number, connect: Omit<LoadClientConnect, 'type'>, track: () => UsageListener): Promise<LoadClientChannel[]> {
  const token = workerToken();
  const settled = await Promise.allSettled(
    Array.from({ length: count }, (_, index) => RemoteChannel.open(urls[index % urls.length]!, `load client ${index + 1} of ${count} on ${urls[index % urls.length]}`, token)),
  );
  for (const outcome of settled) if (outcome.status === 'fulfilled') outcome.value.onUsage = track();
  const channels = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await Promise.all(channels.map((channel) => channel.close()));
    throw failed.reason;
  }
  for (const channel of channels) channel.send({ type: 'connect', ...connect } satisfies LoadClientConnect);
  return channels;
}

/** One load client on a worker. */
class RemoteChannel implements LoadClientChannel {
  private readonly inbox = new MessageQueue<unknown>();
  private readonly closed: Promise<void>;
  /** Where the client's usage reports go. */
  onUsage: UsageListener | undefined;
  private lastUsage: LoadClientUsage | undefined;

  /** Connects, checks the worker's hello, and returns the channel. */
  static async open(url: string, label: string, token: string | undefined): Promise<RemoteChannel> {
    const socket = new WebSocket(url, { handshakeTimeout: CONNECT_TIMEOUT_MS, maxPayload: 1024 * 1024 * 1024, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
    const channel = new RemoteChannel(socket, label);
    let hello: WorkerHello;
    try {
      hello = (await channel.inbox.next(CONNECT_TIMEOUT_MS, `the hello of worker ${url}`)) as WorkerHello;
    } catch (error) {
      socket.terminate();
      throw error;
    }
    const mismatch = hello.type === 'worker-hello' ? helloMismatch(hello) : `it sent ${String(hello.type)} first`;
    if (mismatch) {
      socket.terminate();
      throw new Error(`worker ${url} cannot run this coordinator's load clients: ${mismatch}`);
    }
    return channel;
  }

  private constructor(
    private readonly socket: WebSocket,
    readonly label: string,
  ) {
    socket.on('unexpected-response', (_request, response) => {
      const why = response.statusCode === 401 ? 'it refused the token (set MQBENCH_WORKER_TOKEN or MQBENCH_WORKER_TOKEN_FILE to the worker\'s)' : `HTTP ${response.statusCode}`;
      this.inbox.end(new Error(`${label}: cannot connect: ${why}`));
      socket.terminate();
    });
    socket.on('error', (error) => this.inbox.end(new Error(`${label}: ${errorMessage(error)}`)));
    socket.on('message', (frame: Buffer) => {
      const message = decodeFrame(frame) as { type?: string; message?: string };
      if (isUsageReport(message)) {
        this.lastUsage = message;
        this.onUsage?.(message);
      } else if (message.type === 'worker-exit') {
        const exit = message as WorkerExit;
        this.inbox.end(new Error(`${label} exited (${exit.how})${exit.stderr ? `:\n${exit.stderr}` : ''}`));
      } else if (message.type === 'error') this.inbox.end(new Error(`${label}: ${message.message}`));
      else this.inbox.push(message);
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        if (this.lastUsage) this.onUsage?.({ ...this.lastUsage, ended: true });
        this.inbox.end(new Error(`${label}: the worker closed the connection (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`));
        resolve();
      }),
    );
  }

  send(message: unknown): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(encodeFrame(message));
  }

  next(timeoutMs?: number): Promise<unknown> {
    return this.inbox.next(timeoutMs, `message from ${this.label}`);
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close(1000, 'the trial is done');
    const closed = await Promise.race([this.closed.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS, false).unref())]);
    if (!closed) this.socket.terminate();
  }
}
