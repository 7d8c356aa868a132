/**
 * The floor of librdkafka's consumer through its Node binding: one backlog of enveloped messages in a local Kafka
 * broker started by mqbench, read in a fresh group by `consume(n)` calls that do nothing with the messages (bare),
 * by the same calls checking every message's envelope and CRCs (checked, as a trial does), through kafka-reader
 * (confluent-kafka-go in its own process, the same check; its own CPU in `readerCores`), and by Kafka's
 * ConsumerPerformance, alternated. Prints msg/s from opening the consumer (as both mqbench and ConsumerPerformance are
 * timed), and for the binding the main thread's event-loop utilisation and the process's CPU (cores) in the read window
 * from its first message: a bare read with the main thread busy throughout is the binding's own per-message work.
 *   npm run bench:kafka-read-floor -- [messages] [bytes] [rounds]
 */
import { performance } from 'node:perf_hooks';
import { nativeConsumerProperties } from '../src/targets/kafka/confluent-consumer.js';
import { kafkaReader, openGoConsumer } from '../src/targets/kafka/go-consumer.js';
import { onClientHelper } from '../src/metrics/client-helpers.js';
import { readProcStat } from '../src/metrics/proc.js';
import { readEnvelope } from '../src/workloads/envelope.js';
import { callback, kafka, readBacklogRounds } from './kafka-backlog.js';

type Message = { value: Buffer | null };

const MESSAGES = Number(process.argv[2] ?? 200_000);
const BYTES = Number(process.argv[3] ?? 1024);
const ROUNDS = Number(process.argv[4] ?? 3);
const BATCH = 2_000;
const TOPIC = 'backlog';

let groups = 0;
/** Reads the whole backlog through the binding in a new group, checking each message or not. */
async function readBacklog(brokers: string, check: boolean): Promise<Record<string, number>> {
  const openedAt = performance.now();
  const consumer = new kafka.KafkaConsumer({ 'bootstrap.servers': brokers, ...nativeConsumerProperties(16 * 1024 * 1024, 10 * 1024 * 1024), 'group.id': `floor-${groups++}` }, { 'auto.offset.reset': 'earliest' });
  await callback<void>((done) => consumer.connect({ timeout: 30_000 }, (error) => done(error)));
  consumer.setDefaultConsumeTimeout(10);
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(only: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  consumer.subscribe([TOPIC]);
  let read = 0;
  let firstAt = 0;
  let utilisation = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  while (read < MESSAGES) {
    const messages = await callback<Message[]>((done) => consumer.consume(BATCH, (error, batch) => done(error, batch as Message[])));
    if (messages.length > 0 && firstAt === 0) {
      firstAt = performance.now();
      utilisation = performance.eventLoopUtilization();
      cpu = process.cpuUsage();
    }
    if (check) {
      for (const message of messages) {
        if (!message.value || !readEnvelope(message.value).ok) throw new Error(`message ${read} of the backlog is corrupt`);
        read += 1;
      }
    } else {
      read += messages.length;
    }
  }
  const endedAt = performance.now();
  const used = process.cpuUsage(cpu);
  const mainThread = performance.eventLoopUtilization(utilisation).utilization;
  await callback<void>((done) => consumer.disconnect(() => done(null)));
  return {
    msgPerSec: Math.round(MESSAGES / ((endedAt - openedAt) / 1000)),
    mainThreadBusy: +mainThread.toFixed(2),
    processCores: +((used.user + used.system) / 1000 / (endedAt - firstAt)).toFixed(2),
  };
}

/** Reads the whole backlog through kafka-reader (confluent-kafka-go in its own process), checking every message. */
async function readThroughGo(brokers: string): Promise<Record<string, number>> {
  const binary = await kafkaReader.path();
  const openedAt = performance.now();
  let read = 0;
  let firstAt = 0;
  let utilisation = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  let done: () => void = () => undefined;
  let failed: (error: Error) => void = () => undefined;
  const all = new Promise<void>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  let readerPid = 0;
  let readerCpuAtFirst = 0;
  const stopListening = onClientHelper({ started: (pid) => (readerPid = pid), exiting: () => undefined });
  const consumer = await openGoConsumer(binary, { 'bootstrap.servers': brokers, ...nativeConsumerProperties(16 * 1024 * 1024, 10 * 1024 * 1024) }, TOPIC, {
    group: `floor-${groups++}`,
    from: 'earliest',
    onError: failed,
    onMessage(payload) {
      if (read === 0) {
        void readProcStat(readerPid).then((stat) => (readerCpuAtFirst = stat?.cpuSeconds ?? 0));
        firstAt = performance.now();
        utilisation = performance.eventLoopUtilization();
        cpu = process.cpuUsage();
      }
      if (!readEnvelope(payload).ok) failed(new Error(`message ${read} of the backlog is corrupt`));
      if (++read === MESSAGES) done();
    },
  });
  await all;
  const endedAt = performance.now();
  const used = process.cpuUsage(cpu);
  const mainThread = performance.eventLoopUtilization(utilisation).utilization;
  const readerCpu = ((await readProcStat(readerPid))?.cpuSeconds ?? Number.NaN) - readerCpuAtFirst;
  stopListening();
  await consumer.close();
  return {
    msgPerSec: Math.round(MESSAGES / ((endedAt - openedAt) / 1000)),
    mainThreadBusy: +mainThread.toFixed(2),
    processCores: +((used.user + used.system) / 1000 / (endedAt - firstAt)).toFixed(2),
    readerCores: +(readerCpu / ((endedAt - firstAt) / 1000)).toFixed(2),
  };
}

await readBacklogRounds({ topic: TOPIC, messages: MESSAGES, bytes: BYTES, rounds: ROUNDS }, async (brokers) => ({
  bare: await readBacklog(brokers, false),
  checked: await readBacklog(brokers, true),
  go: await readThroughGo(brokers),
}));
