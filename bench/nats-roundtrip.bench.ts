/**
 * The pub/sub round trip on NATS with a turn's acks and publishes in one socket write and in two, alternated in one
 * process against one local nats-server: each publish awaits its PubAck, and an ephemeral push consumer (natsmq's
 * shape) acks every message it gets, as the pub/sub operation does. The two differ only in whether the publisher and
 * the consumer's acks share the connection's TurnScheduler. Prints wall µs per message and the process's CPU µs per
 * message for each.   npm run bench:nats-roundtrip -- [messages] [bytes] [rounds]
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect, createInbox, nanos } from '@nats-io/transport-node';
import { connectNats, type NatsEndpoint } from '../src/targets/nats/driver.js';
import { PipelinedPublisher } from '../src/targets/nats/pipelined-publisher.js';
import { natsSettingsSchema } from '../src/targets/nats/settings.js';
import { natsTarget } from '../src/targets/nats/target.js';
import { rawCommandSender, TurnAcks } from '../src/targets/nats/turn-acks.js';
import { TurnScheduler } from '../src/targets/nats/turn-scheduler.js';
import { withLocalBroker } from './local-broker.js';

const MESSAGES = Number(process.argv[2] ?? 20_000);
const BYTES = Number(process.argv[3] ?? 1024);
const ROUNDS = Number(process.argv[4] ?? 4);
const WAYS = ['one write', 'two writes'] as const;

const settings = natsSettingsSchema.parse({});
await withLocalBroker(natsTarget, settings, async (broker) => {
  const endpoint = broker.endpoint as unknown as NatsEndpoint;
  const driver = await connectNats(endpoint, settings); // creates streams as mqbench does, and patches nats.js as a trial's does
  const connection = await connect({ servers: endpoint.servers });
  const client = jetstream(connection);
  const manager = await jetstreamManager(connection);
  const sender = rawCommandSender(connection);
  const payload = Buffer.alloc(BYTES, 7);

  async function roundTrips(topic: string, shared: boolean): Promise<{ wallUs: number; cpuUs: number }> {
    const turn = new TurnScheduler();
    const publisher = new PipelinedPublisher(connection, 60_000, sender, turn);
    const acks = new TurnAcks(sender, shared ? turn : new TurnScheduler());
    let delivered = 0;
    let allDelivered!: () => void;
    const done = new Promise<void>((resolve) => (allDelivered = resolve));
    const info = await manager.consumers.add(topic, {
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      deliver_subject: createInbox(),
      flow_control: true,
      idle_heartbeat: nanos(5000),
    });
    const messages = await (await client.consumers.getPushConsumer(topic, info.name)).consume({
      callback: (message: JsMsg) => {
        acks.add(message);
        if (++delivered === MESSAGES) allDelivered();
      },
    });
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let index = 0; index < MESSAGES; index++) await publisher.publish(topic, payload);
    await done;
    const wallUs = ((performance.now() - started) * 1000) / MESSAGES;
    const used = process.cpuUsage(cpu);
    acks.flush();
    await messages.close();
    publisher.close();
    console.error(`user ${(used.user / MESSAGES).toFixed(1)} system ${(used.system / MESSAGES).toFixed(1)}`);
    return { wallUs, cpuUs: (used.user + used.system) / MESSAGES };
  }

  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? WAYS : [...WAYS].reverse();
    for (const way of order) {
      const topic = `rt${round}${way === 'one write' ? 'a' : 'b'}`;
      await driver.createTopic(topic);
      const reading = await roundTrips(topic, way === 'one write');
      console.log(JSON.stringify({ round: round + 1, way, messages: MESSAGES, bytes: BYTES, wallUsPerMessage: Number(reading.wallUs.toFixed(1)), cpuUsPerMessage: Number(reading.cpuUs.toFixed(1)) }));
      await manager.streams.delete(topic);
    }
  }
  await connection.close();
  await driver.close();
});
