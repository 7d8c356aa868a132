/**
 * Reading one NATS backlog three ways, in turns: mqbench's consumer with the payloads kept (a fresh buffer per
 * message that spans socket reads), the same with them given back (`payloadLifetime: 'call'`, as the stream and
 * pub/sub workloads run), and `nats bench js consume`. Each round writes a fresh backlog of enveloped messages to a
 * local nats-server started by mqbench, then reads it with each reader, the order rotated from round to round so
 * each reader reads first, second and third equally often. Prints msg/s (from opening the consumer, as a trial's
 * read-back is timed) and the client's CPU per message for mqbench's readers.
 *   npm run bench:nats-read -- [messages] [bytes] [rounds]
 */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { LogDriver } from '../src/targets/driver.js';
import { runNatsBenchConsume } from '../src/targets/nats/bench-tool.js';
import { connectNats, type NatsEndpoint } from '../src/targets/nats/driver.js';
import { natsSettingsSchema } from '../src/targets/nats/settings.js';
import { natsTarget } from '../src/targets/nats/target.js';
import type { ToolProbeSpec } from '../src/targets/driver.js';
import { crc32 } from '../src/util/crc32.js';
import { ENVELOPE_BYTES, readEnvelope, writeEnvelope } from '../src/workloads/envelope.js';
import { withLocalBroker } from './local-broker.js';

const MESSAGES = Number(process.argv[2] ?? 2_000);
const BYTES = Number(process.argv[3] ?? 1_048_576);
const ROUNDS = Number(process.argv[4] ?? 3);
const READERS = ['kept', 'given back', 'nats bench'] as const;
type Reader = (typeof READERS)[number];

/** Writes MESSAGES enveloped messages of BYTES into a new stream, 64 sends in flight. */
async function writeBacklog(driver: LogDriver, topic: string): Promise<void> {
  await driver.createTopic(topic);
  const producer = await driver.producer(topic);
  const message = Buffer.alloc(BYTES);
  const inFlight: Promise<string>[] = [];
  for (let sequence = 0; sequence < MESSAGES; sequence++) {
    message.fill(sequence & 255, ENVELOPE_BYTES);
    writeEnvelope(message, { producerId: 0, sequence, intendedMs: 0, sentMs: 0, bodyCrc: crc32(message.subarray(ENVELOPE_BYTES)) });
    inFlight.push(producer.send(message));
    if (inFlight.length >= 64) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  await producer.close();
}

/** Reads the whole backlog through a new durable consumer of mqbench's driver, checking every envelope. */
async function readWithDriver(driver: LogDriver, topic: string, group: string, giveBack: boolean): Promise<{ msgPerSec: number; cpuMsPerMessage: number }> {
  let read = 0;
  let failure: Error | undefined;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const cpu = process.cpuUsage();
  const started = performance.now();
  const consumer = await driver.consumer(topic, {
    group,
    from: 'earliest',
    messageBytes: BYTES,
    ...(giveBack ? { payloadLifetime: 'call' as const } : {}),
    onMessage: (payload) => {
      if (!readEnvelope(payload).ok) failure ??= new Error(`message ${read} of the backlog is corrupt`);
      if (++read === MESSAGES) done();
    },
    onError: (error) => {
      failure ??= error;
      done();
    },
  });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await consumer.close();
  if (failure) throw failure;
  return { msgPerSec: MESSAGES / seconds, cpuMsPerMessage: (used.user + used.system) / 1000 / MESSAGES };
}

/** Reads the whole backlog with `nats bench js consume`, under its own durable consumer (made afresh). */
async function readWithNatsBench(servers: string, topic: string): Promise<number> {
  const spec = { topic, messages: MESSAGES, messageBytes: BYTES, concurrency: 1, timeoutMs: 120_000, signal: new AbortController().signal } as unknown as ToolProbeSpec;
  return (await runNatsBenchConsume(spec, { topic, group: 'nats-bench', messages: MESSAGES }, servers)).messagesPerSec;
}

const settings = natsSettingsSchema.parse({});
await withLocalBroker(natsTarget, settings, async (broker) => {
  const endpoint = broker.endpoint as unknown as NatsEndpoint;
  const driver = await connectNats(endpoint, settings);
  const admin = await connect({ servers: endpoint.servers });
  const manager = await jetstreamManager(admin);
  for (let round = 0; round < ROUNDS; round++) {
    const topic = `backlog${round}`;
    await writeBacklog(driver, topic);
    const order = READERS.map((_, index) => READERS[(index + round) % READERS.length]!) as Reader[];
    for (const [position, reader] of order.entries()) {
      const line = { round: round + 1, position: position + 1, reader, messages: MESSAGES, bytes: BYTES };
      if (reader === 'nats bench') {
        console.log(JSON.stringify({ ...line, msgPerSec: Math.round(await readWithNatsBench(endpoint.servers, topic)) }));
      } else {
        const reading = await readWithDriver(driver, topic, `${topic}-${position}`, reader === 'given back');
        console.log(JSON.stringify({ ...line, msgPerSec: Math.round(reading.msgPerSec), cpuMsPerMessage: Number(reading.cpuMsPerMessage.toFixed(4)) }));
      }
    }
    await manager.streams.delete(topic);
  }
  await admin.close();
  await driver.close();
});
