/**
 * nats.js's parser reads every byte of a `MSG` control line through a state machine, then splits the line again byte
 * by byte into its fields. Reading a 1 KiB backlog, those two loops and the views they cut took about a fifth of the
 * consumer's main thread here (`parse`, `processMsgArgs`, `subarray`), for a line of about 100 bytes per message.
 *
 * This lets the parser take the `MSG` frames that lie whole in a socket read first: one pass over each line finds its
 * spaces and its end, reads the sid and size, and hands the message to the same dispatcher the parser calls, with the
 * same fields (subject and reply as views of the read, as the parser cuts them, and the payload as the same Buffer
 * view). Anything else — a frame cut by the read's end, `HMSG` (JetStream's status messages), `PING`, `+OK`, `-ERR`,
 * `INFO`, a line with tabs or a field that is not a number — goes to nats.js's own parser from that frame on, which
 * also names whatever is wrong. A read that starts inside a frame (most do: 64 KiB reads cut a message at their end) has nats.js's
 * parser finish that frame alone before the fast path takes the frames after it. Where the parser does not look as
 * expected, it is left alone and the caller says so.
 */
import { Kind, State } from '@nats-io/nats-core/internal';
import { wrapParserParse, type ParseFunction } from './parser-wrap.js';

/** The fields of a `MSG` line, as nats.js's parser passes them on. */
export interface MsgArgs {
  subject: Uint8Array;
  reply: Uint8Array | undefined;
  sid: number;
  size: number;
  hdr: number;
}

interface ParserFields {
  state: number;
  ma?: MsgArgs;
  argBuf?: unknown;
  msgBuf?: unknown;
  dispatcher: { push(event: { kind: number; msg: MsgArgs; data: Uint8Array }): void };
}

const M = 0x4d;
const S = 0x53;
const G = 0x47;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const ZERO = 0x30;
const MAX_SIZE = 64 * 1024 * 1024;

/** The decimal number in `buffer[from, to)`, or -1 unless it is 1–9 digits. */
function digits(buffer: Uint8Array, from: number, to: number): number {
  if (to <= from || to - from > 9) return -1;
  let value = 0;
  for (let at = from; at < to; at++) {
    const digit = buffer[at]! - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** A plain Uint8Array view of `buffer[from, to)` (a Buffer's own subarray builds a Buffer, which costs more). */
function view(buffer: Uint8Array, from: number, to: number): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset + from, to - from);
}

/** Where the line read by the last `msgArgs` that returned fields ends (its CR). */
let lastLineEnd = -1;

/**
 * The fields of the `MSG` line starting at `from` (after `MSG `) and ending in CRLF within `buffer`, or undefined
 * where the line is not whole or not the plain form (single spaces, no tabs, 3 or 4 fields, numeric sid and size
 * within 64 MiB). One pass over the line finds its spaces and its end.
 */
export function msgArgs(buffer: Uint8Array, from: number): MsgArgs | undefined {
  let first = -1;
  let second = -1;
  let third = -1;
  let at = from;
  for (; at < buffer.length; at++) {
    const byte = buffer[at]!;
    if (byte === CR) break;
    if (byte === SPACE) {
      if (first < 0) first = at;
      else if (second < 0) second = at;
      else if (third < 0) third = at;
      else return undefined;
    } else if (byte === TAB || byte === LF) {
      return undefined;
    }
  }
  if (buffer[at + 1] !== LF || first <= from || second < 0 || third === second + 1) return undefined;
  const sid = digits(buffer, first + 1, second);
  const size = digits(buffer, (third < 0 ? second : third) + 1, at);
  if (sid < 0 || size < 0 || size > MAX_SIZE) return undefined;
  lastLineEnd = at;
  return { subject: view(buffer, from, first), reply: third < 0 ? undefined : view(buffer, second + 1, third), sid, size, hdr: -1 };
}

/**
 * Dispatches the whole `MSG` frames at the start of `buffer` and returns where the first frame it left starts
 * (`buffer.length` when it took them all).
 */
export function dispatchWholeMsgFrames(parser: ParserFields, buffer: Uint8Array): number {
  let at = 0;
  while (buffer.length - at > 4 && buffer[at] === M && buffer[at + 1] === S && buffer[at + 2] === G && buffer[at + 3] === SPACE) {
    const args = msgArgs(buffer, at + 4);
    if (!args) break;
    const start = lastLineEnd + 2;
    const end = start + args.size;
    if (end + 2 > buffer.length || buffer[end] !== CR || buffer[end + 1] !== LF) break;
    parser.ma = args;
    parser.dispatcher.push({ kind: Kind.MSG, msg: args, data: buffer.subarray(start, end) });
    at = end + 2;
  }
  return at;
}

/**
 * How many bytes at the start of `buffer` end the frame the parser is in the middle of (a read cut it), or -1 where
 * that end is not in `buffer`: the payload's missing bytes and its CRLF, or the rest of a line up to its LF.
 */
function pendingFrameEnd(parser: ParserFields, buffer: Uint8Array): number {
  if (parser.state === State.MSG_PAYLOAD) {
    const started = parser.msgBuf as { length?: unknown } | undefined;
    if (!parser.ma || typeof started?.length !== 'number') return -1;
    const missing = Math.max(0, parser.ma.size - started.length);
    return buffer.length >= missing + 2 && buffer[missing] === CR && buffer[missing + 1] === LF ? missing + 2 : -1;
  }
  const lineEnd = buffer.indexOf(LF);
  return lineEnd < 0 ? -1 : lineEnd + 1;
}

/** Whether the parser is between frames, with nothing of a cut frame held. */
function betweenFrames(parser: ParserFields): boolean {
  return parser.state === State.OP_START && !parser.argBuf && !parser.msgBuf;
}

/** Makes nats.js's parser take whole `MSG` frames on a fast path first (idempotent); false where it is not as expected. */
export function parseWholeFramesFirst(): boolean {
  const expected = () => typeof State.OP_START === 'number' && typeof State.MSG_PAYLOAD === 'number' && typeof Kind.MSG === 'number';
  return wrapParserParse('mqbench.nats.wholeFrames', expected, (parse) => function parseWholeFrames(this: ParserFields, buffer: Uint8Array): void {
    if (typeof this.dispatcher?.push !== 'function') {
      parse.call(this, buffer);
      return;
    }
    let rest = buffer;
    // A read that starts inside a frame: nats.js's parser finishes that frame (a line, then its payload) first.
    for (let step = 0; !betweenFrames(this); step++) {
      const end = step < 3 ? pendingFrameEnd(this, rest) : -1;
      if (end < 0 || end === rest.length) {
        parse.call(this, rest);
        return;
      }
      parse.call(this, rest.subarray(0, end));
      rest = rest.subarray(end);
    }
    const taken = dispatchWholeMsgFrames(this, rest);
    if (taken < rest.length) parse.call(this, taken === 0 ? rest : rest.subarray(taken));
  } as ParseFunction);
}
