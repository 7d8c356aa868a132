/**
 * kafkajs's connections over plain TCP, reading each Kafka response straight into one buffer of its size. kafkajs's
 * own socket reads 64 KiB at a time into a fresh buffer, and once a response is all there, concatenates the reads into
 * another: a 16 MiB fetch response became 256 buffers for the collector and a 16 MiB copy. Here the socket reads into
 * a buffer of 64 KiB until a response's size prefix has arrived, then straight into a buffer of the response's size,
 * and the connection sees each response as one chunk. kafkajs still joined that chunk to the empty remainder of the
 * response before it (one more copy of every response), so `processData` drops an empty remainder first.
 *
 * A consumer whose payloads are not kept past onMessage also takes its large responses' buffers back: kafkajs sends a
 * fetch once the batches of the one before are processed, so a response's buffer is free when the second response
 * after it arrives, and is read into again then.
 *
 * With the commits every 5 s (kafkajs-client.ts), a trial's 1 MiB read-back went from 279–388 msg/s to 1,246–1,600 and
 * its client CPU from 21–29 s to 10–14 (6 trials a side, docs/measurements/2026-12-04-kafkajs-read.md).
 */
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/** The reads before a response's size is known (and of a response that is already all in one of them). */
const READ_BYTES = 64 * 1024;
const SIZE_PREFIX_BYTES = 4;
/** Responses of this size or more are read into buffers that a consumer's socket takes back. */
const REUSED_FROM_BYTES = 1024 * 1024;
/** kafkajs's own socket factory sets the same keep-alive. */
const KEEP_ALIVE_DELAY_MS = 60_000;

/** Splits what a socket reads into whole Kafka responses (size prefix included), each in a buffer of its own. */
export class ResponseReader {
  private readonly scratch = Buffer.allocUnsafeSlow(READ_BYTES);
  /** The response being read, and how much of it has arrived. */
  private response: Buffer | undefined;
  private filled = 0;
  /** A size prefix that a read split. */
  private readonly prefix = Buffer.alloc(SIZE_PREFIX_BYTES);
  private prefixBytes = 0;
  /** The buffers of the last two large responses, oldest first (with `reuse`). */
  private readonly recent: Buffer[] = [];

  /**
   * @param reuse read a large response into the buffer of the one two before it (its batches long processed)
   * @param onResponse takes each whole response
   */
  constructor(
    private readonly reuse: boolean,
    private readonly onResponse: (response: Buffer) => void,
  ) {}

  /** Where the next read goes: the rest of the response being read, else the 64 KiB buffer. */
  nextReadTarget(): Buffer {
    return this.response ? this.response.subarray(this.filled) : this.scratch;
  }

  /** Takes the `bytes` just read into `target` (what nextReadTarget gave). */
  received(target: Uint8Array, bytes: number): void {
    if (this.response) {
      // Read straight into the response.
      this.filled += bytes;
      if (this.filled === this.response.length) this.finish();
      return;
    }
    let offset = 0;
    while (offset < bytes) {
      if (!this.response) {
        const taken = Math.min(SIZE_PREFIX_BYTES - this.prefixBytes, bytes - offset);
        this.prefix.set(target.subarray(offset, offset + taken), this.prefixBytes);
        this.prefixBytes += taken;
        offset += taken;
        if (this.prefixBytes < SIZE_PREFIX_BYTES) return;
        this.begin(this.prefix.readInt32BE(0));
        if (this.filled === this.response!.length) this.finish();
        continue;
      }
      offset += this.copyIn(target.subarray(offset, bytes));
    }
  }

  /** Copies what of `bytes` belongs to the response being read into it; returns how much that was. */
  private copyIn(bytes: Uint8Array): number {
    const response = this.response!;
    const taken = Math.min(response.length - this.filled, bytes.length);
    response.set(bytes.subarray(0, taken), this.filled);
    this.filled += taken;
    if (this.filled === response.length) this.finish();
    return taken;
  }

  private begin(size: number): void {
    if (size < 0) throw new Error(`a Kafka response announced ${size} bytes (the connection is out of step)`);
    const bytes = SIZE_PREFIX_BYTES + size;
    this.response = this.bufferFor(bytes);
    this.prefix.copy(this.response, 0);
    this.filled = SIZE_PREFIX_BYTES;
    this.prefixBytes = 0;
  }

  private bufferFor(bytes: number): Buffer {
    if (bytes < REUSED_FROM_BYTES) return Buffer.allocUnsafe(bytes);
    if (!this.reuse) return Buffer.allocUnsafeSlow(bytes);
    // The oldest of the two before this one is free; a buffer too small for this response is replaced.
    const reusable = this.recent.length === 2 ? this.recent.shift()! : undefined;
    const buffer = reusable && reusable.length >= bytes ? reusable : Buffer.allocUnsafeSlow(Math.max(bytes, reusable?.length ?? 0));
    this.recent.push(buffer);
    return buffer.subarray(0, bytes);
  }

  private finish(): void {
    const response = this.response!;
    this.response = undefined;
    this.filled = 0;
    this.onResponse(response);
  }
}

/** A kafkajs socket factory for plain TCP whose sockets hand kafkajs whole responses (see the module's header). */
export function wholeResponseSockets(options: { reuseLargeResponses: boolean }): ISocketFactory {
  dropEmptyRemainders();
  return ({ host, port, onConnect }) => {
    const reader = new ResponseReader(options.reuseLargeResponses, (response) => socket.emit('data', response));
    const socket: Socket = connect(
      {
        host,
        port,
        onread: {
          buffer: () => reader.nextReadTarget(),
          callback: (bytes, target) => {
            try {
              reader.received(target, bytes);
            } catch (error) {
              socket.destroy(error as Error);
            }
            return true;
          },
        },
      },
      onConnect,
    );
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    return socket;
  };
}

const PATCHED = Symbol.for('mqbench.kafkajs.dropEmptyRemainders');

interface ConnectionState {
  chunks: Buffer[];
}

/**
 * Has kafkajs's Connection drop the empty remainder a response leaves (the rest of its last read), so that a response
 * which arrives as one chunk is decoded where it lies rather than joined to nothing. Returns false where kafkajs's
 * Connection is not as expected (its connections then copy as before).
 */
export function dropEmptyRemainders(): boolean {
  const module = createRequire(import.meta.url)('kafkajs/src/network/connection.js') as { prototype?: Record<string | symbol, unknown> };
  const prototype = module.prototype;
  if (!prototype || typeof prototype.processData !== 'function') return false;
  if (prototype[PATCHED]) return true;
  const processData = prototype.processData as (this: ConnectionState, data: Buffer) => unknown;
  prototype.processData = function processDataWithoutEmptyRemainder(this: ConnectionState, data: Buffer) {
    if (this.chunks.length === 1 && this.chunks[0]!.length === 0) this.chunks = [];
    return processData.call(this, data);
  };
  prototype[PATCHED] = true;
  return true;
}
