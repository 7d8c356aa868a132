/**
 * Publishing to one NATS stream three ways, in turns: mqbench's pipelined publisher with a turn's publishes framed
 * into one buffer (its default where nats.js's protocol handler allows it), the same publisher through nats.js's own
 * `publish` for each message, and `nats bench js pub async`. Each writer publishes MESSAGES of BYTES into a stream of
 * its own with INFLIGHT PubAcks outstanding (closed loop: each PubAck lets the next publish go), the order rotated
 * from round to round. Prints msg/s and, for mqbench's writers, the client's CPU per message.
 *   npm run bench:nats-write -- [messages] [bytes] [rounds] [inflight]
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { ToolProbeSpec } from '../src/targets/driver.js';
import { runNatsBench } from '../src/targets/nats/bench-tool.js';
import { connectNats, type NatsEndpoint } from '../src/targets/nats/driver.js';
import { PipelinedPublisher } from '../src/targets/nats/pipelined-publisher.js';
import { natsSettingsSchema } from '../src/targets/nats/settings.js';
import { natsTarget } from '../src/targets/nats/target.js';
import { rawCommandSender } from '../src/targets/nats/turn-acks.js';
import { withLocalBroker } from './local-broker.js';

const MESSAGES = Number(process.argv[2] ?? 200_000);
const BYTES = Number(process.argv[3] ?? 1024);
const ROUNDS = Number(process.argv[4] ?? 3);
const INFLIGHT = Number(process.argv[5] ?? 256);
const WRITERS = ['framed', 'nats.js publish', 'nats bench'] as const;
type Writer = (typeof WRITERS)[number];

/** Publishes MESSAGES through `publisher`, INFLIGHT outstanding; msg/s and the process's CPU per message. */
async function publishAll(publisher: PipelinedPublisher, subject: string): Promise<{ msgPerSec: number; cpuUsPerMessage: number }> {
  const payload = Buffer.alloc(BYTES, 1);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let issued = 0;
  await new Promise<void>((resolve, reject) => {
    let acknowledged = 0;
    const next = (): void => {
      if (issued >= MESSAGES) return;
      issued++;
      publisher.publish(subject, payload).then(() => {
        if (++acknowledged === MESSAGES) resolve();
        else next();
      }, reject);
    };
    for (let index = 0; index < INFLIGHT; index++) next();
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { msgPerSec: MESSAGES / seconds, cpuUsPerMessage: (used.user + used.system) / MESSAGES };
}

const settings = natsSettingsSchema.parse({});
await withLocalBroker(natsTarget, settings, async (broker) => {
  const endpoint = broker.endpoint as unknown as NatsEndpoint;
  const driver = await connectNats(endpoint, settings); // creates streams as mqbench does, and patches nats.js as a trial's does
  const connection: NatsConnection = await connect({ servers: endpoint.servers });
  const manager = await jetstreamManager(connection);
  const framed = new PipelinedPublisher(connection, 60_000, rawCommandSender(connection));
  const unframed = new PipelinedPublisher(connection, 60_000);
  for (let round = 0; round < ROUNDS; round++) {
    const order = WRITERS.map((_, index) => WRITERS[(index + round) % WRITERS.length]!) as Writer[];
    for (const [position, writer] of order.entries()) {
      const topic = `w${round}p${position}`;
      await driver.createTopic(topic);
      const line = { round: round + 1, position: position + 1, writer, messages: MESSAGES, bytes: BYTES, inFlight: INFLIGHT };
      if (writer === 'nats bench') {
        const spec = { topic, messages: MESSAGES, messageBytes: BYTES, concurrency: INFLIGHT, producers: 1, timeoutMs: 120_000 } as ToolProbeSpec;
        console.log(JSON.stringify({ ...line, msgPerSec: Math.round((await runNatsBench(spec, endpoint.servers)).messagesPerSec) }));
      } else {
        const reading = await publishAll(writer === 'framed' ? framed : unframed, topic);
        console.log(JSON.stringify({ ...line, msgPerSec: Math.round(reading.msgPerSec), cpuUsPerMessage: Number(reading.cpuUsPerMessage.toFixed(2)) }));
      }
      await manager.streams.delete(topic);
    }
  }
  framed.close();
  unframed.close();
  await connection.close();
  await driver.close();
});
