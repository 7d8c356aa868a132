/**
 * The rocksmq engine's read-back against a raw iterator over the same store, alternated in one process (npm run
 * bench:rocksmq-read -- <bytes> <messages> [rounds]): the engine is filled by 256 concurrent producers and left to
 * finish its compactions, then each round reads the topic from the start through the engine (`consume`, the driver's
 * batch and byte bounds, a fresh group each round) and through a raw iterator over the engine's own message store
 * (the calibration's step of 1,000 entries or 1 MiB), touching every payload's length. The two read the same bytes in
 * the same layout, so what separates them is the engine's work per message. A third reader does what a trial's
 * read-back does: the engine's reads, each message checked by the harness (MessageFlow.receive: the envelope and its
 * CRCs, the delivery tracker, the clock). Prints msg/s and CPU µs per message.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_RUN_BYTES, RocksMQ } from '../src/engines/rocksmq/index.js';
import { messageRange } from '../src/engines/rocksmq/keys.js';
import { resolveOptions } from '../src/engines/rocksmq/options.js';
import { synchronousStep, type KeyValueStore, type StoreIteratorOptions } from '../src/engines/rocksmq/store.js';
import { ENVELOPE_BYTES, writeEnvelope } from '../src/workloads/envelope.js';
import { MessageFlow } from '../src/workloads/flow.js';
import { PayloadSource } from '../src/workloads/payload.js';
import { crc32 } from '../src/util/crc32.js';

const BYTES = Number(process.argv[2] ?? 1024);
const MESSAGES = Number(process.argv[3] ?? 200_000);
const ROUNDS = Number(process.argv[4] ?? 3);
const PRODUCERS = 256;
/** The driver's bounds on one consume call (src/targets/rocksmq/driver.ts, settings.consumeBatch). */
const CONSUME_BATCH = 256;
const CONSUME_MAX_BYTES = 4 * 1024 * 1024;
/** The calibration's step (src/targets/rocksmq/raw-level.ts). */
const RAW_STEP = 1000;

const directory = await mkdtemp(join(tmpdir(), 'mqbench-read-'));
const engine = await RocksMQ.open(directory, resolveOptions({ store: 'auto' }));
const bodies = Array.from({ length: 64 }, () => randomBytes(BYTES - ENVELOPE_BYTES));
await engine.createTopic('t');
let next = 0;
/** Message `index` as a trial's producer sends it: the harness's envelope (sequence `index`) and a body. */
function enveloped(index: number): Buffer {
  const message = Buffer.allocUnsafe(BYTES);
  const body = bodies[index % bodies.length]!;
  body.copy(message, ENVELOPE_BYTES);
  writeEnvelope(message, { producerId: 0, sequence: index, intendedMs: 0, sentMs: 0, bodyCrc: crc32(body) });
  return message;
}
await Promise.all(Array.from({ length: PRODUCERS }, async () => {
  for (let index = next++; index < MESSAGES; index = next++) await engine.produce('t', [{ payload: enveloped(index) }]);
}));
await engine.settleBackgroundWork(120_000, new AbortController().signal);

/** Reads the topic through the engine, each payload handed to `onMessage`; returns the count (0 if nothing was seen). */
async function engineRead(group: string, onMessage: (payload: Buffer) => number): Promise<number> {
  await engine.subscribe('t', group, 'earliest');
  let seen = 0;
  let read = 0;
  for (;;) {
    const batch = await engine.consume('t', group, CONSUME_BATCH, CONSUME_MAX_BYTES);
    if (batch.length === 0) break;
    for (const message of batch) seen += onMessage(message.payload);
    read += batch.length;
    engine.ack('t', group, batch.at(-1)!.id);
  }
  await engine.destroyConsumerGroup('t', group);
  return seen > 0 ? read : 0;
}

/** The engine's reads with the harness's check of each message; fails if any message is not intact and new. */
async function checkedRead(round: number): Promise<number> {
  const flow = new MessageFlow({ payloads: new PayloadSource('random', 16, 1, 1), messageBytes: BYTES, stallTimeoutMs: 60_000, signal: new AbortController().signal });
  const read = await engineRead(`c${round}`, (payload) => (flow.receive(payload) ? 1 : 0));
  const delivered = flow.trackers.measured.running.delivered;
  if (delivered !== MESSAGES) throw new Error(`the check passed ${delivered} of ${MESSAGES} messages`);
  return read;
}

async function rawRead(): Promise<number> {
  const store = (engine as unknown as { messages: KeyValueStore<Buffer, Buffer> }).messages;
  const iterator = store.iterator({ ...messageRange('t', 0), highWaterMarkBytes: READ_RUN_BYTES } as StoreIteratorOptions<Buffer, Buffer>);
  const step = synchronousStep(iterator);
  let bytes = 0;
  let read = 0;
  try {
    for (;;) {
      const entries = step ? step(RAW_STEP) : await iterator.nextv(RAW_STEP);
      if (entries.length === 0) break;
      for (const [, value] of entries) bytes += value.length;
      read += entries.length;
      if (step) await new Promise(setImmediate);
    }
  } finally {
    await iterator.close();
  }
  return bytes > 0 ? read : 0;
}

for (let round = 1; round <= ROUNDS; round++) {
  const readers = [
    ['raw', rawRead],
    ['engine', () => engineRead(`g${round}`, (payload) => payload.length)],
    ['engine+check', () => checkedRead(round)],
  ] as const;
  for (const [name, read] of readers) {
    const cpu = process.cpuUsage();
    const startedAt = performance.now();
    const messages = await read();
    const seconds = (performance.now() - startedAt) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(`round ${round} ${name}: ${Math.round(messages / seconds)} msg/s, ${((used.user + used.system) / messages).toFixed(2)} CPU µs/msg`);
  }
}
await engine.close();
await rm(directory, { recursive: true, force: true });
