import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kind, Parser } from '@nats-io/nats-core/internal';
import { dispatchWholeMsgFrames, msgArgs, parseWholeFramesFirst, type MsgArgs } from './whole-frames.js';

const originalParse = Parser.prototype.parse;
/** Bytes handed to nats.js's own parser (counted beneath the fast path, which wraps this). */
let bytesToNatsParser = 0;
Parser.prototype.parse = function countingParse(this: Parser, buffer: Uint8Array): void {
  bytesToNatsParser += buffer.length;
  originalParse.call(this, buffer);
};
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Seen {
  kind: number;
  subject?: string;
  reply?: string;
  sid?: number;
  size?: number;
  hdr?: number;
  data?: string;
}

/** A parser whose dispatcher records every event, the views decoded as they arrive (read buffers may be reused). */
function recordingParser(): { parser: Parser; seen: Seen[] } {
  const seen: Seen[] = [];
  const dispatcher = {
    push(event: { kind: number; msg?: MsgArgs; data?: Uint8Array }) {
      const { msg } = event;
      seen.push({
        kind: event.kind,
        ...(msg ? { subject: decoder.decode(msg.subject), ...(msg.reply ? { reply: decoder.decode(msg.reply) } : {}), sid: msg.sid, size: msg.size, hdr: msg.hdr } : {}),
        ...(event.data ? { data: decoder.decode(event.data) } : {}),
      });
    },
  };
  return { parser: new Parser(dispatcher as never), seen };
}

/** Feeds `bytes` to a parser in reads of `chunk` bytes with `parse`, and returns what it dispatched (or the error). */
function feed(bytes: Uint8Array, chunk: number, parse: (this: Parser, buffer: Uint8Array) => void): Seen[] | string {
  const { parser, seen } = recordingParser();
  try {
    for (let at = 0; at < bytes.length; at += chunk) parse.call(parser, bytes.slice(at, at + chunk));
  } catch (error) {
    return (error as Error).message;
  }
  return seen;
}

const big = 'x'.repeat(100_000);
const stream = encoder.encode(
  [
    'MSG orders.1 7 $JS.ACK.orders.c.1.1.1.1733000000000000000.0 5\r\nhello\r\n',
    'MSG orders.1 7 3\r\nabc\r\n',
    'PING\r\n',
    'MSG orders.1 7 $JS.ACK.x 12\r\nab\r\nMSG 1 2\r\n\r\n',
    'HMSG _INBOX.x 7 31 31\r\nNATS/1.0 100 Idle Heartbeat\r\n\r\n\r\n',
    '+OK\r\n',
    'MSG ørders 12 r 0\r\n\r\n',
    'MSG tabbed\t7 2\r\nok\r\n',
    'MSG  spaced  7  2\r\nok\r\n',
    `MSG large 7 reply ${big.length}\r\n${big}\r\n`,
    'MSG last 7 4\r\ndone\r\n',
  ].join(''),
);

test('whole MSG frames are dispatched exactly as nats.js parses them, however the reads cut them', () => {
  assert.ok(parseWholeFramesFirst());
  assert.notEqual(Parser.prototype.parse.name, 'countingParse', 'the parser is wrapped');
  const expected = feed(stream, stream.length, originalParse);
  assert.ok(Array.isArray(expected) && expected.length === 11, 'the original parser reads the stream');
  for (const chunk of [1, 3, 17, 64, 1024, 65_536, stream.length]) {
    assert.deepEqual(feed(stream, chunk, Parser.prototype.parse), expected, `reads of ${chunk} bytes`);
  }
});

test('a malformed MSG line fails with nats.js\'s own error', () => {
  parseWholeFramesFirst();
  for (const bad of ['MSG orders 7 five\r\nhello\r\n', 'MSG orders x 5\r\nhello\r\n', 'MSG orders\r\n']) {
    const bytes = encoder.encode(`MSG ok 1 2\r\nok\r\n${bad}`);
    const error = feed(bytes, bytes.length, originalParse);
    assert.equal(typeof error, 'string', bad);
    assert.equal(feed(bytes, bytes.length, Parser.prototype.parse), error, bad);
  }
});

test('the fast path takes the whole frames and stops at the first it cannot take', () => {
  const { parser, seen } = recordingParser();
  const bytes = encoder.encode('MSG a 1 r 2\r\nok\r\nMSG b 1 3\r\nyes\r\nPING\r\nMSG c 1 2\r\nno\r\n');
  const taken = dispatchWholeMsgFrames(parser as never, bytes);
  assert.equal(decoder.decode(bytes.subarray(taken)), 'PING\r\nMSG c 1 2\r\nno\r\n');
  assert.deepEqual(seen, [
    { kind: Kind.MSG, subject: 'a', reply: 'r', sid: 1, size: 2, hdr: -1, data: 'ok' },
    { kind: Kind.MSG, subject: 'b', sid: 1, size: 3, hdr: -1, data: 'yes' },
  ]);
  const cut = encoder.encode('MSG a 1 r 5\r\nhel');
  assert.equal(dispatchWholeMsgFrames(parser as never, cut), 0, 'a frame cut by the read is left to nats.js');
});

test('MSG lines outside the plain form are left to nats.js', () => {
  const line = (text: string) => encoder.encode(text);
  const plain = msgArgs(line('MSG s 12 r 1024\r\n'), 4);
  assert.ok(plain);
  assert.deepEqual({ ...plain, subject: decoder.decode(plain.subject), reply: decoder.decode(plain.reply) }, { subject: 's', reply: 'r', sid: 12, size: 1024, hdr: -1 });
  for (const text of ['s\t1 2', 's 1', 's  1 2', 's 1  2', 's 1 r 2 extra', 's one 2', 's 1 -2', 's 1 1234567890', ' s 1 2', 's 1 r 99999999', 's 1 2\n']) {
    assert.equal(msgArgs(line(`${text}\r\n`), 0), undefined, text);
  }
  for (const cut of ['s 1 2', 's 1 2\r']) assert.equal(msgArgs(line(cut), 0), undefined, `${cut} (the line's end not read yet)`);
});

test('reads that start inside a message leave only that message to nats.js', () => {
  assert.ok(parseWholeFramesFirst());
  const payload = 'p'.repeat(1000);
  const frames = encoder.encode(Array.from({ length: 256 }, (_, index) => `MSG orders 7 $JS.ACK.orders.c.1.${index}.${index}.1733000000000000000.0 ${payload.length}\r\n${payload}\r\n`).join(''));
  bytesToNatsParser = 0;
  const seen = feed(frames, 16_411, Parser.prototype.parse);
  assert.ok(Array.isArray(seen) && seen.length === 256 && seen.every((event) => event.data === payload));
  assert.ok(bytesToNatsParser < frames.length / 10, `${bytesToNatsParser} of ${frames.length} bytes went through nats.js's parser`);
});
