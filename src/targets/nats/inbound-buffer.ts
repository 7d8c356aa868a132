/**
 * nats.js 3.4 (the latest release) reads a message that spans several socket reads into a buffer that starts at the
 * first read's size and doubles as the 64 KiB reads arrive: a 1 MiB message costs five allocations, twice its size in
 * copies, and the garbage collector the rest. Reading a 1 MiB backlog, that growth (`_grow`, `copy`) and the collector
 * took 38 % of the consumer's main thread here. This sizes the buffer once, to exactly the size the message's MSG line
 * announced, right after the parser starts it; every later read is copied straight into place. It wraps the parser's
 * public `parse` (exported by `@nats-io/nats-core/internal`) and changes nothing else; where the parser does not look
 * as expected, it leaves it alone and says so.
 *
 * The buffers come from a pool: a consumer whose workload reads each payload only while it handles it gives the
 * message's buffer back (`recycleInboundPayload`), and the next message of that size is read into it. Reading a 1 MiB
 * backlog, the fresh buffer per message and the collection of the old ones took a quarter of the main thread.
 */
import { State } from '@nats-io/nats-core/internal';
import { wrapParserParse, type ParseFunction } from './parser-wrap.js';
import { RecycledBuffers } from '../../util/recycled-buffers.js';

interface GrowableBuffer {
  readonly length: number;
  readonly capacity: number;
  grow(bytes: number): void;
  /** DenoBuffer's contents (from `_off`), a view at the start of its ArrayBuffer, whose size is the capacity. */
  _buf?: Uint8Array;
  _off?: number;
}

interface ParserState {
  state: number;
  ma?: { size: number };
  msgBuf?: GrowableBuffer;
}

/** Up to 64 MiB of read messages' buffers wait for the next messages of their size. */
const inboundBuffers = new RecycledBuffers(64 * 1024 * 1024);

/**
 * Gives back the buffer of a message read across several socket reads (others are views of nats.js's read buffers,
 * and are left alone): call it only once nothing will read `payload` again.
 */
export function recycleInboundPayload(payload: Uint8Array): void {
  inboundBuffers.giveBack(payload.buffer);
}

/** Makes nats.js size each multi-read message's buffer once (idempotent); false where its parser is not as expected. */
export function sizeInboundBuffersOnce(): boolean {
  return wrapParserParse('mqbench.nats.inboundBuffer', () => typeof State.MSG_PAYLOAD === 'number', (parse) => function parseSizingOnce(this: ParserState, buffer: Uint8Array): void {
    parse.call(this, buffer);
    const started = this.msgBuf;
    if (this.state !== State.MSG_PAYLOAD || !started || !this.ma || typeof started.grow !== 'function') return;
    const missing = this.ma.size - started.length;
    if (missing <= 0 || started.capacity - started.length >= missing) return;
    if (started._buf instanceof Uint8Array && started._off === 0 && started._buf.byteOffset === 0) {
      // Exactly the message's size (grow() would allocate twice what it holds plus what is missing).
      const exact = new Uint8Array(inboundBuffers.take(this.ma.size), 0, started.length);
      exact.set(started._buf);
      started._buf = exact;
    } else {
      started.grow(missing);
    }
  } as ParseFunction);
}
