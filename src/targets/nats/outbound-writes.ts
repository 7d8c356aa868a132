/**
 * nats.js 3.4 (the latest release) packs every flush into one new buffer before the socket write: a 1 MiB publish
 * costs a 1 MiB allocation and a copy of it, and the collector the rest. Publishing 1 MiB messages, that copy
 * (`DataBuffer.pack`) took 10 % of the producer's main thread here and the collector 22 %. This makes a flush that
 * holds a chunk of at least LARGE_CHUNK_BYTES hand its pending chunks (each PUB line, payload and CRLF) to the socket
 * as they are, corked, so Node writes them with one writev and nothing is copied in between. Flushes of small
 * publishes stay as they were (packing many of them into one write is what makes them cheap).
 *
 * The payload is then written from the caller's buffer rather than from a copy, so it must not change until it is on
 * the socket: mqbench's producers keep a send's buffer until its acknowledgement, which comes after that. It wraps
 * `flushPending` of the protocol handler exported by `@nats-io/nats-core/internal`; where the handler, its outbound
 * buffer or its transport's socket do not look as expected, it leaves the flush alone.
 */
import type { Socket } from 'node:net';
import { ProtocolHandler } from '@nats-io/nats-core/internal';

/** A flush holding a chunk (a payload) at least this large is written chunk by chunk, corked, instead of packed. */
export const LARGE_CHUNK_BYTES = 32 * 1024;

/** Whether a flush of `chunks` is written unpacked. */
export function writesUnpacked(chunks: readonly Uint8Array[]): boolean {
  return chunks.some((chunk) => chunk.byteLength >= LARGE_CHUNK_BYTES);
}

interface OutboundBuffer {
  buffers: Uint8Array[];
  byteLength: number;
  reset(): void;
}

interface HandlerState {
  infoReceived: boolean;
  connected: boolean;
  outbound?: OutboundBuffer;
  transport?: { send(frame: Uint8Array): void; socket?: Socket };
}

const WRAPPED = Symbol.for('mqbench.nats.outboundWrites');

/** Makes nats.js write large flushes without packing them (idempotent); false where its handler is not as expected. */
export function writeLargeFlushesUnpacked(): boolean {
  const prototype = ProtocolHandler.prototype as unknown as { flushPending(): void; [WRAPPED]?: true };
  if (prototype[WRAPPED]) return true;
  const flushPending = prototype.flushPending;
  if (typeof flushPending !== 'function') return false;
  prototype.flushPending = function flushUnpacked(this: HandlerState): void {
    const { outbound, transport } = this;
    const socket = transport?.socket;
    const usable =
      this.infoReceived && this.connected && Array.isArray(outbound?.buffers) && typeof outbound.reset === 'function' && typeof socket?.cork === 'function';
    if (!usable || !writesUnpacked(outbound!.buffers)) return flushPending.call(this);
    const chunks = outbound!.buffers.slice();
    outbound!.reset();
    socket!.cork();
    try {
      for (const chunk of chunks) transport!.send(chunk);
    } finally {
      socket!.uncork();
    }
  };
  prototype[WRAPPED] = true;
  return true;
}
