/**
 * nats.js's parser alone, without and with mqbench's fast path for whole MSG frames (src/targets/nats/whole-frames.ts):
 * COUNT JetStream-shaped MSG frames of BYTES (with a reply subject as a pull consumer's messages carry) cut into 64 KiB
 * reads, as a socket delivers them, parsed ROUNDS times by each in turn into a dispatcher that only counts. Prints
 * µs per message. No server: this is the parser's CPU, not a rate.
 *   npm run bench:nats-parse -- [count] [bytes] [rounds]
 */
import { Parser } from '@nats-io/nats-core/internal';
import { parseWholeFramesFirst } from '../src/targets/nats/whole-frames.js';

const COUNT = Number(process.argv[2] ?? 6_400);
const BYTES = Number(process.argv[3] ?? 1_024);
const ROUNDS = Number(process.argv[4] ?? 5);
const READ_BYTES = 64 * 1024;

/** COUNT frames, each with its own reply subject, cut into reads of READ_BYTES. */
function socketReads(): Buffer[] {
  const payload = Buffer.alloc(BYTES, 7);
  const frames: Buffer[] = [];
  for (let index = 0; index < COUNT; index++) {
    const sequence = 100_000 + index;
    frames.push(Buffer.from(`MSG orders.t1 3 $JS.ACK.orders.mine.1.${sequence}.${sequence}.1733000000123456789.${COUNT - index} ${BYTES}\r\n`), payload, Buffer.from('\r\n'));
  }
  const stream = Buffer.concat(frames);
  const reads: Buffer[] = [];
  for (let at = 0; at < stream.length; at += READ_BYTES) reads.push(stream.subarray(at, at + READ_BYTES));
  return reads;
}

/** Parses every read `passes` times with `parse` and returns µs per message, checking every message arrived. */
function measure(parse: (this: Parser, buffer: Uint8Array) => void, reads: Buffer[], passes: number): number {
  let dispatched = 0;
  const parser = new Parser({ push: () => void dispatched++ } as never);
  const started = performance.now();
  for (let pass = 0; pass < passes; pass++) for (const read of reads) parse.call(parser, read);
  const elapsedMs = performance.now() - started;
  if (dispatched !== passes * COUNT) throw new Error(`${dispatched} of ${passes * COUNT} messages were dispatched`);
  return (elapsedMs * 1000) / (passes * COUNT);
}

const natsParse = Parser.prototype.parse;
if (!parseWholeFramesFirst()) throw new Error("nats.js's parser is not as whole-frames.ts expects");
const fastParse = Parser.prototype.parse;
const reads = socketReads();
for (let round = 1; round <= ROUNDS; round++) {
  const natsUs = measure(natsParse, reads, 20);
  const fastUs = measure(fastParse, reads, 20);
  console.log(JSON.stringify({ round, messages: COUNT * 20, bytes: BYTES, natsJsUsPerMessage: Number(natsUs.toFixed(3)), fastPathUsPerMessage: Number(fastUs.toFixed(3)) }));
}
