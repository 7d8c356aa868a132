/**
 * The woodpecker helper's protocol (tools/woodpecker-helper/server.go), on a unix socket; mqbench's engine host
 * (src/targets/engine-host) speaks it too. Every frame: u32 length of
 * what follows, u8 op, u32 request id, body (little-endian). Requests carry an id; the reply (op 0x80) carries it back
 * with a status byte (0 ok, 1 error) and the result or the error's text. A reader pushes op 0x81 per message (its
 * reader id in the id field, the payload as the body) and 0x82 if it fails. Payloads pass through as raw bytes.
 */
import { connect, type Socket } from 'node:net';
import { TurnBatchedWriter } from '../../util/turn-writer.js';

/** The requests. */
export const OP = { create: 1, delete: 2, openWriter: 3, append: 4, closeWriter: 5, openReader: 6, closeReader: 7, describe: 8, bench: 9 } as const;
/** The frames a server sends: a reply to a request, a reader's message, a reader's failure. */
export const PUSH = { reply: 0x80, message: 0x81, readerError: 0x82 } as const;
const REPLY = PUSH.reply;
const MESSAGE = PUSH.message;
const READER_ERROR = PUSH.readerError;
const HEADER_BYTES = 9;

/** Encodes one frame. */
export function encodeFrame(op: number, id: number, ...parts: Uint8Array[]): Buffer[] {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(5 + parts.reduce((sum, part) => sum + part.byteLength, 0), 0);
  header.writeUInt8(op, 4);
  header.writeUInt32LE(id, 5);
  return [header, ...parts.map((part) => (Buffer.isBuffer(part) ? part : Buffer.from(part.buffer, part.byteOffset, part.byteLength)))];
}

/** Splits a byte stream into frames (op, id, body), however it was cut. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly onFrame: (op: number, id: number, body: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.peek(HEADER_BYTES);
      if (!head) return;
      const size = head.readUInt32LE(0);
      if (this.buffered < 4 + size) return;
      const frame = this.take(4 + size);
      this.onFrame(frame.readUInt8(4), frame.readUInt32LE(5), frame.subarray(HEADER_BYTES));
    }
  }

  private peek(bytes: number): Buffer | undefined {
    if (this.buffered < bytes) return undefined;
    if (this.chunks[0]!.length < bytes) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(bytes: number): Buffer {
    if (this.chunks[0]!.length < bytes) this.chunks = [Buffer.concat(this.chunks)];
    const first = this.chunks[0]!;
    const frame = first.subarray(0, bytes);
    if (first.length === bytes) this.chunks.shift();
    else this.chunks[0] = first.subarray(bytes);
    this.buffered -= bytes;
    return frame;
  }
}

/** A reader's deliveries and failure. */
interface ReaderListener {
  onMessage(payload: Uint8Array): void;
  onError(error: Error): void;
}

/** A connection to the helper: requests answered in any order, readers' messages pushed. */
export class HelperConnection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(body: Buffer): void; reject(error: Error): void; onOk?(body: Buffer): void }>();
  private readonly readers = new Map<number, ReaderListener>();
  private closed: Error | undefined;
  private readonly writer: TurnBatchedWriter;

  private constructor(
    private readonly socket: Socket,
    /** Who answers, in messages: "the woodpecker helper", "the rocksmq engine host". */
    private readonly peer: string,
  ) {
    this.writer = new TurnBatchedWriter(socket);
    const frames = new FrameReader((op, id, body) => this.onFrame(op, id, body));
    socket.on('data', (chunk: Buffer) => frames.push(chunk));
    socket.on('close', () => this.fail(new Error(`${this.peer} closed the connection`)));
    socket.on('error', (error) => this.fail(new Error(`${this.peer}'s socket: ${error.message}`)));
  }

  /** Connects to the helper's (or another peer's) socket. */
  static open(socketPath: string, timeoutMs = 10_000, peer = 'the woodpecker helper'): Promise<HelperConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer from ${peer} at ${socketPath} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay?.(true);
        resolve(new HelperConnection(socket, peer));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot reach ${peer} at ${socketPath}: ${error.message}`));
      });
    });
  }

  /** Sends a request; resolves with the reply's result, rejects with its error. */
  request(op: number, ...parts: Uint8Array[]): Promise<Buffer> {
    return this.send(op, parts);
  }

  /**
   * Opens a reader of `name` from the earliest or latest entry; its messages go to `listener` until closed. The
   * listener is in place when the reply is read, before any message the helper pushes right behind it.
   */
  async openReader(name: string, from: 'earliest' | 'latest', listener: ReaderListener): Promise<number> {
    const reply = await this.send(OP.openReader, [Buffer.from([from === 'latest' ? 1 : 0]), Buffer.from(name)], (body) => this.readers.set(body.readUInt32LE(0), listener));
    return reply.readUInt32LE(0);
  }

  private send(op: number, parts: Uint8Array[], onOk?: (body: Buffer) => void): Promise<Buffer> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onOk });
      // The frames of one event-loop turn leave in one vectored write (each write alone is a syscall of its own).
      this.writer.write(encodeFrame(op, id, ...parts));
    });
  }

  /** Stops a reader. */
  async closeReader(reader: number): Promise<void> {
    this.readers.delete(reader);
    await this.request(OP.closeReader, u32(reader));
  }

  /** Closes the connection; what is still pending is rejected, readers are not told (they were closed on purpose). */
  close(): void {
    this.readers.clear();
    this.fail(new Error(`the connection to ${this.peer} was closed`));
    this.socket.destroy();
  }

  private onFrame(op: number, id: number, body: Buffer): void {
    if (op === REPLY) {
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      if (!waiter) return;
      if (body.readUInt8(0) === 0) {
        waiter.onOk?.(body.subarray(1));
        waiter.resolve(body.subarray(1));
      } else waiter.reject(new Error(`${this.peer}: ${body.subarray(1).toString('utf8')}`));
    } else if (op === MESSAGE) {
      this.readers.get(id)?.onMessage(body);
    } else if (op === READER_ERROR) {
      this.readers.get(id)?.onError(new Error(`${this.peer}'s reader: ${body.toString('utf8')}`));
    }
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    for (const reader of this.readers.values()) reader.onError(error);
    this.readers.clear();
  }
}

/** A u32, little-endian. */
export function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value, 0);
  return out;
}

/** Whether a peer answers a describe request on `socket` (the woodpecker helper listens only once it is up). */
export async function answersOnSocket(socket: string, peer?: string): Promise<boolean> {
  try {
    const connection = await HelperConnection.open(socket, 2000, peer);
    try {
      await connection.request(OP.describe);
      return true;
    } finally {
      connection.close();
    }
  } catch {
    return false;
  }
}
