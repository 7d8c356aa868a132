/**
 * `mqbench worker --listen`: a long-running worker that runs load clients for coordinators elsewhere. Each WebSocket
 * connection is one load client: the worker forks a load-client process (the same code as `clients: N` on one
 * machine) and relays the connection's messages to it and back. Bound to loopback unless a token is set; with a
 * token, every connection must carry it. A closed connection stops its load client, and a load client never outlives
 * the worker.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { tail } from '../install/exec.js';
import { mqbenchVersion } from '../util/package-version.js';
import { forkLoadClient } from './load-clients.js';
import { decodeFrame, encodeFrame, workerHello, type WorkerExit } from './worker-protocol.js';

/** Where the worker listens and the secret it requires. */
export interface WorkerServerOptions {
  host: string;
  port: number;
  token?: string;
  /** Told of each connection's start and end (the CLI prints them). */
  log?: (line: string) => void;
}

/** A running worker. */
export interface WorkerServer {
  /** ws://host:port of the worker. */
  url: string;
  /** Load clients running now. */
  readonly sessions: number;
  /** Stops accepting, closes every connection and stops its load client. */
  close(): Promise<void>;
}

/** The largest frame accepted: a load client's final report carries every acknowledged sequence. */
const MAX_FRAME_BYTES = 1024 * 1024 * 1024;
const EXIT_WAIT_MS = 10_000;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Starts a worker; refuses a non-loopback address without a token. */
export async function startWorkerServer(options: WorkerServerOptions): Promise<WorkerServer> {
  if (!isLoopback(options.host) && !options.token) {
    throw new Error(`--listen ${options.host}: a worker reachable from other machines needs a token (set MQBENCH_WORKER_TOKEN or MQBENCH_WORKER_TOKEN_FILE)`);
  }
  const log = options.log ?? (() => undefined);
  const sockets = new Set<WebSocket>();
  const http = createServer((request, response) => {
    if (request.url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ mqbench: mqbenchVersion(), node: process.versions.node, sessions: sockets.size }));
      return;
    }
    response.writeHead(404).end();
  });
  const server = new WebSocketServer({
    server: http,
    maxPayload: MAX_FRAME_BYTES,
    verifyClient: ({ req }: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) =>
      authorized(req, options.token) ? done(true) : done(false, 401, 'a valid bearer token is required'),
  });
  server.on('connection', (socket, request) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveLoadClient(socket, `${request.socket.remoteAddress}:${request.socket.remotePort}`, options.host, log);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `ws://${host}:${port}`,
    get sessions() {
      return sockets.size;
    },
    async close() {
      for (const socket of sockets) socket.close(1001, 'the worker is stopping');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
    },
  };
}

/** Relays one connection to a load-client process of its own until either ends. */
function serveLoadClient(socket: WebSocket, peer: string, host: string, log: (line: string) => void): void {
  const child = forkLoadClient();
  log(`load client ${child.pid} started for ${peer}`);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8192);
    process.stderr.write(chunk);
  });
  socket.send(encodeFrame(workerHello(host)));
  socket.on('message', (frame: Buffer) => {
    if (child.connected) child.send(decodeFrame(frame) as never);
  });
  child.on('message', (message) => {
    if (socket.readyState === socket.OPEN) socket.send(encodeFrame(message));
  });
  child.on('exit', (code, signal) => {
    const how = signal ? `signal ${signal}` : `code ${code}`;
    log(`load client ${child.pid} for ${peer} exited (${how})`);
    if (socket.readyState !== socket.OPEN) return;
    socket.send(encodeFrame({ type: 'worker-exit', how, stderr: tail(stderr, 10) } satisfies WorkerExit));
    socket.close(1000, 'the load client exited');
  });
  socket.on('close', () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // As when a local trial process goes away: the client sees its channel close and ends; killed if it lingers.
    if (child.connected) child.disconnect();
    setTimeout(() => child.kill('SIGKILL'), EXIT_WAIT_MS).unref();
  });
}

function authorized(request: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(request.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
