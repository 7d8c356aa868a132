/**
 * kafkajs's consumer on one backlog of enveloped messages in a local Kafka broker started by mqbench, each read in a
 * fresh group and every message's envelope checked: as mqbench's kafkajs adapter runs it (`mqbench`: each response
 * read whole into one buffer, offsets committed every 5 s and on close), through kafkajs's own socket with its own
 * auto-commit (a commit after every fetched batch, awaited before the next fetch) and with commits every 5 s, and
 * Kafka's ConsumerPerformance, alternated (each round starting with another of the three). Prints msg/s from opening
 * the consumer (as both mqbench and ConsumerPerformance are timed) and where kafkajs's time went: its fetches
 * (kafkajs's FETCH events), its batches' processing, and the gaps from a batch's end to the next fetch (the commit,
 * when there is one).
 *   npm run bench:kafkajs-read -- [messages] [bytes] [rounds]
 */
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { kafkajsClient } from '../src/targets/kafka/kafkajs-client.js';
import { kafkaSettingsSchema } from '../src/targets/kafka/settings.js';
import { readEnvelope } from '../src/workloads/envelope.js';
import { readBacklogRounds } from './kafka-backlog.js';

const MESSAGES = Number(process.argv[2] ?? 1500);
const BYTES = Number(process.argv[3] ?? 1024 * 1024);
const ROUNDS = Number(process.argv[4] ?? 3);
const TOPIC = 'backlog';
const FETCH_BYTES = kafkaSettingsSchema.parse({}).fetchMaxBytes;

let groups = 0;

/** Times kafkajs's fetches, batches and the gaps between them through its instrumentation events. */
function phases(consumer: Consumer): () => Record<string, number> {
  let fetches = 0;
  let fetchMs = 0;
  let batchMs = 0;
  let gapMs = 0;
  let batchEndedAt = 0;
  consumer.on(consumer.events.FETCH_START, () => {
    if (batchEndedAt) gapMs += performance.now() - batchEndedAt;
    batchEndedAt = 0;
  });
  consumer.on(consumer.events.FETCH, (event) => {
    fetches += 1;
    fetchMs += event.payload.duration;
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    batchMs += event.payload.duration;
    batchEndedAt = performance.now();
  });
  return () => ({ fetches, fetchMs: Math.round(fetchMs), batchMs: Math.round(batchMs), gapMs: Math.round(gapMs) });
}

/** Reads the backlog through a consumer `open` starts, which calls `onMessage` for each message; msg/s from the open. */
async function timedRead(open: (onMessage: (value: Uint8Array) => void) => Promise<{ close(): Promise<void>; phases(): Record<string, number> }>): Promise<Record<string, number>> {
  const openedAt = performance.now();
  let read = 0;
  let done: () => void = () => undefined;
  let failed: (error: Error) => void = () => undefined;
  const all = new Promise<void>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const consumer = await open((value) => {
    if (!readEnvelope(value).ok) failed(new Error(`message ${read} of the backlog is corrupt`));
    if (++read === MESSAGES) done();
  });
  await all;
  const msgPerSec = Math.round(MESSAGES / ((performance.now() - openedAt) / 1000));
  const spent = consumer.phases();
  await consumer.close();
  return { msgPerSec, ...spent };
}

/** mqbench's kafkajs adapter, as a trial opens it; its consumer's phases read through the same events. */
async function readAsMqbench(brokers: string): Promise<Record<string, number>> {
  const client = await kafkajsClient({ brokers: [brokers], fetchMaxBytes: FETCH_BYTES, messageMaxBytes: FETCH_BYTES, lingerMs: 0, producerProperties: {} });
  let spent: () => Record<string, number> = () => ({});
  const restore = observeConsumers((consumer) => (spent = phases(consumer)));
  try {
    return await timedRead(async (onMessage) => {
      const consumer = await client.consumer(TOPIC, { group: `mqbench-${groups++}`, from: 'earliest', onMessage, onError: (error) => console.error(error) });
      return { close: () => consumer.close(), phases: () => spent() };
    });
  } finally {
    restore();
    await client.close();
  }
}

/**
 * kafkajs through its own socket with the adapter's fetch sizes: committing after each batch (its own auto-commit) or
 * every 5 s (as the adapter does).
 */
async function readThroughOwnSocket(brokers: string, commitEachBatch: boolean): Promise<Record<string, number>> {
  const kafka = new Kafka({ clientId: 'bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  return timedRead(async (onMessage) => {
    const consumer = kafka.consumer({ groupId: `own-socket-${groups++}`, maxBytesPerPartition: FETCH_BYTES, maxBytes: FETCH_BYTES * 4, maxWaitTimeInMs: 100 });
    const spent = phases(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      ...(commitEachBatch ? {} : { autoCommit: false, autoCommitInterval: 5_000 }),
      eachBatch: async ({ batch, commitOffsetsIfNecessary }) => {
        for (const message of batch.messages) if (message.value) onMessage(message.value);
        if (!commitEachBatch) await commitOffsetsIfNecessary();
      },
    });
    return { close: () => consumer.disconnect(), phases: spent };
  });
}

/** Hands each kafkajs consumer created meanwhile to `seen` (the adapter creates its own); returns the undo. */
function observeConsumers(seen: (consumer: Consumer) => void): () => void {
  const original = Kafka.prototype.consumer;
  Kafka.prototype.consumer = function (this: Kafka, ...args: Parameters<Kafka['consumer']>) {
    const consumer = original.apply(this, args);
    seen(consumer);
    return consumer;
  };
  return () => void (Kafka.prototype.consumer = original);
}

const readers: Array<[string, (brokers: string) => Promise<Record<string, number>>]> = [
  ['mqbench', readAsMqbench],
  ['ownSocketCommitEachBatch', (brokers) => readThroughOwnSocket(brokers, true)],
  ['ownSocketCommitEvery5s', (brokers) => readThroughOwnSocket(brokers, false)],
];
// Each round starts with another reader: the first kafkajs consumer of the process also compiles kafkajs's decoding.
await readBacklogRounds({ topic: TOPIC, messages: MESSAGES, bytes: BYTES, rounds: ROUNDS }, async (brokers, round) => {
  const figures: Record<string, Record<string, number>> = {};
  for (let index = 0; index < readers.length; index++) {
    const [name, read] = readers[(index + round - 1) % readers.length]!;
    figures[name] = await read(brokers);
  }
  return figures;
});
