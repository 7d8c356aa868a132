/**
 * librdkafka's consumer through the binding's `consume(n)`: one call after the other (what `confluent-consumer.ts`
 * does) against the next call asked for before a batch is checked, so that librdkafka's queue is drained on the thread
 * pool meanwhile. One backlog of enveloped messages in a local Kafka broker started by mqbench; each message's
 * envelope is read and checked, as a trial does. Prints msg/s from the first message for each way, alternated,
 * `ROUNDS` rounds.   npm run bench:kafka-read -- [messages] [bytes]
 */
import { nativeConsumerProperties } from '../src/targets/kafka/confluent-consumer.js';
import { kafkaSettingsSchema } from '../src/targets/kafka/settings.js';
import { kafkaTarget } from '../src/targets/kafka/target.js';
import { withLocalBroker } from './local-broker.js';
import { readEnvelope } from '../src/workloads/envelope.js';
import { callback, kafka, writeBacklog, type Kafka } from './kafka-backlog.js';

type Consumer = InstanceType<Kafka['KafkaConsumer']>;
type Message = { value: Buffer | null };

const MESSAGES = Number(process.argv[2] ?? 200_000);
const BYTES = Number(process.argv[3] ?? 1024);
const BATCH = 2_000;
const ROUNDS = 3;
const TOPIC = 'backlog';

let groups = 0;
/** Reads the whole backlog in a new group; msg/s from the first message to the last. */
async function readBacklog(brokers: string, overlapped: boolean): Promise<number> {
  const consumer: Consumer = new kafka.KafkaConsumer({ 'bootstrap.servers': brokers, ...nativeConsumerProperties(16 * 1024 * 1024, 10 * 1024 * 1024), 'group.id': `g${groups++}` }, { 'auto.offset.reset': 'earliest' });
  await callback<void>((done) => consumer.connect({ timeout: 30_000 }, (error) => done(error)));
  // Returns what is queued once a first message is there (the product waits on librdkafka's wake-up instead).
  consumer.setDefaultConsumeTimeout(10);
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(only: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  consumer.subscribe([TOPIC]);
  const next = () => callback<Message[]>((done) => consumer.consume(BATCH, (error, messages) => done(error, messages as Message[])));
  let read = 0;
  let first = 0;
  let pending = next();
  while (read < MESSAGES) {
    const messages = await pending;
    if (overlapped) pending = next();
    if (messages.length > 0 && first === 0) first = performance.now();
    for (const message of messages) {
      if (!message.value || !readEnvelope(message.value).ok) throw new Error(`message ${read} of the backlog is corrupt`);
      read += 1;
    }
    if (!overlapped && read < MESSAGES) pending = next();
  }
  const seconds = (performance.now() - first) / 1000;
  if (overlapped) await pending;
  await callback<void>((done) => consumer.disconnect(() => done(null)));
  return MESSAGES / seconds;
}

await withLocalBroker(kafkaTarget, kafkaSettingsSchema.parse({}), async (broker) => {
  const { brokers } = broker.endpoint as { brokers: string };
  await writeBacklog(brokers, TOPIC, MESSAGES, BYTES);
  for (let round = 1; round <= ROUNDS; round++) {
    const serial = await readBacklog(brokers, false);
    const overlapped = await readBacklog(brokers, true);
    console.log({ round, messages: MESSAGES, bytes: BYTES, serialMsgPerSec: Math.round(serial), overlappedMsgPerSec: Math.round(overlapped) });
  }
});
