/**
 * One TCP connection to a Pulsar broker speaking the binary protocol: the CONNECT handshake, requests matched by
 * request id, PING answered, frames routed to the producers and consumers registered on it, and every waiter failed
 * when the connection goes.
 */
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { mqbenchVersion } from '../../../util/package-version.js';
import { FrameReader, simpleFrame, type Frame } from './frames.js';
import { CommandType, PROTOCOL_VERSION, type Command } from './proto.js';
import { TurnBatchedWriter } from '../../../util/turn-writer.js';

/** What a producer or consumer registered on a connection is told. */
export interface ConnectionListener {
  onFrame(frame: Frame): void;
  /** The connection failed or the broker closed this producer/consumer. */
  onClosed(error: Error): void;
}

interface PendingRequest {
  resolve(command: Command): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Request/response commands and the field of the response that carries request_id. */
const RESPONSES: Record<number, string> = {
  [CommandType.SUCCESS]: 'success',
  [CommandType.ERROR]: 'error',
  [CommandType.PRODUCER_SUCCESS]: 'producer_success',
  [CommandType.LOOKUP_RESPONSE]: 'lookupTopicResponse',
};

/** A connected broker connection. */
export class PulsarConnection {
  private readonly reader = new FrameReader();
  private readonly pending = new Map<number, PendingRequest>();
  /** Producers by id (SEND_RECEIPT, SEND_ERROR, CLOSE_PRODUCER) and consumers by id (MESSAGE, CLOSE_CONSUMER). */
  readonly producers = new Map<number, ConnectionListener>();
  readonly consumers = new Map<number, ConnectionListener>();
  private nextRequestId = 1;
  private failure: Error | undefined;
  serverVersion = 'unknown';
  private readonly writer: TurnBatchedWriter;

  private constructor(
    private readonly socket: Socket,
    readonly url: string,
    private readonly requestTimeoutMs: number,
    private readonly token?: string,
  ) {
    this.writer = new TurnBatchedWriter(socket);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(new Error(`Pulsar connection to ${url}: ${error.message}`)));
    socket.on('close', () => this.fail(new Error(`Pulsar connection to ${url} closed`)));
  }

  /** Opens a connection to `url` (pulsar://host:port, or pulsar+ssl:// checked against `ca`) and completes the handshake. */
  static async open(url: string, timeoutMs: number, token?: string, ca?: string): Promise<PulsarConnection> {
    const { hostname, port, protocol } = new URL(url);
    const secure = protocol === 'pulsar+ssl:';
    const socket = secure
      ? connectTls({ host: hostname, port: Number(port || 6651), ca, servername: isIP(hostname) ? undefined : hostname })
      : connectTcp({ host: hostname, port: Number(port || 6650) });
    const connection = new PulsarConnection(socket, url, timeoutMs, token);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Pulsar connection to ${url}: no answer within ${timeoutMs} ms`)), timeoutMs);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`Pulsar connection to ${url}: ${error.message}`));
      });
    }).catch((error: Error) => {
      socket.destroy();
      throw error;
    });
    const connected = await connection.handshake();
    connection.serverVersion = String(connected.connected?.server_version ?? 'unknown');
    return connection;
  }

  /** A fresh request id. */
  requestId(): number {
    return this.nextRequestId++;
  }

  /** Sends a command that carries `requestId` and resolves with the broker's response (rejects on ERROR). */
  request(command: Command, requestId: number): Promise<Command> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Command>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`Pulsar request ${command.type} to ${this.url}: no response within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      this.write([simpleFrame(command)]);
    });
  }

  /** Writes frame parts; parts written in the same tick leave in one socket write. */
  write(parts: Buffer[]): void {
    if (this.failure) throw this.failure;
    this.writer.write(parts);
  }

  /** Why the connection is unusable, if it is. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Closes the socket. */
  close(): void {
    this.fail(new Error(`Pulsar connection to ${this.url} closed by the client`));
  }

  private handshake(): Promise<Command> {
    return new Promise<Command>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Pulsar handshake with ${this.url}: no CONNECTED within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
      this.pending.set(0, { resolve, reject, timer });
      const auth = this.token === undefined ? {} : { auth_method_name: 'token', auth_data: Buffer.from(this.token) };
      this.write([simpleFrame({ type: CommandType.CONNECT, connect: { client_version: `mqbench ${mqbenchVersion()}`, protocol_version: PROTOCOL_VERSION, ...auth } })]);
    });
  }

  private onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    for (const frame of frames) this.dispatch(frame);
  }

  private dispatch(frame: Frame): void {
    const { command } = frame;
    switch (command.type) {
      case CommandType.CONNECTED:
        return this.settle(0, command);
      case CommandType.PING:
        return this.write([simpleFrame({ type: CommandType.PONG, pong: {} })]);
      case CommandType.PONG:
        return;
      case CommandType.SEND_RECEIPT:
        return this.producers.get(command.send_receipt.producer_id)?.onFrame(frame);
      case CommandType.SEND_ERROR:
        return this.producers.get(command.send_error.producer_id)?.onFrame(frame);
      case CommandType.MESSAGE:
        return this.consumers.get(command.message.consumer_id)?.onFrame(frame);
      case CommandType.CLOSE_PRODUCER:
        return this.producers.get(command.close_producer.producer_id)?.onClosed(new Error('the broker closed the producer (topic unloaded or moved)'));
      case CommandType.CLOSE_CONSUMER:
        return this.consumers.get(command.close_consumer.consumer_id)?.onClosed(new Error('the broker closed the consumer (topic unloaded or moved)'));
      default: {
        const field = RESPONSES[command.type];
        if (field) this.settle(Number(command[field]?.request_id ?? -1), command);
      }
    }
  }

  private settle(requestId: number, command: Command): void {
    // Before CONNECTED, an ERROR answers the handshake (request 0).
    const key = this.pending.has(requestId) ? requestId : command.type === CommandType.ERROR && this.pending.has(0) ? 0 : requestId;
    const waiting = this.pending.get(key);
    if (!waiting) return;
    this.pending.delete(key);
    clearTimeout(waiting.timer);
    if (command.type === CommandType.ERROR) waiting.reject(new Error(`Pulsar broker error ${command.error.error}: ${command.error.message}`));
    else waiting.resolve(command);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.socket.destroy();
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    this.pending.clear();
    for (const listener of [...this.producers.values(), ...this.consumers.values()]) listener.onClosed(error);
  }
}
