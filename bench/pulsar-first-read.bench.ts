/**
 * A broker's first reads: on a local Pulsar started by mqbench, writes a backlog of MESSAGES × BYTES, reads it through
 * READS subscriptions one after the other, then does the same on a second topic. Prints each read's msg/s from opening
 * the consumer (as a trial's read-back is timed) and from its first message. On 2026-12-03 the first read of a run
 * was 25-40 % slower than every later read, of the same topic or of a new one: why a write-only trial's warm-up now
 * reads its messages back before the measured phase.
 *   npm run bench:pulsar-first-read -- [messages] [bytes] [reads]
 */
import { randomBytes } from 'node:crypto';
import { connectPulsar, type PulsarEndpoint } from '../src/targets/pulsar/driver.js';
import { pulsarSettingsSchema } from '../src/targets/pulsar/settings.js';
import { pulsarTarget } from '../src/targets/pulsar/target.js';
import { withLocalBroker } from './local-broker.js';

const MESSAGES = Number(process.argv[2] ?? 600);
const BYTES = Number(process.argv[3] ?? 1_048_576);
const READS = Number(process.argv[4] ?? 4);
const IN_FLIGHT = 64;

const settings = pulsarSettingsSchema.parse({ client: 'binary' });
await withLocalBroker(pulsarTarget, settings, async (broker) => {
  const driver = await connectPulsar(broker.endpoint as unknown as PulsarEndpoint, settings);
  try {
    for (const topic of ['first-topic', 'second-topic']) {
      await driver.createTopic(topic);
      // The subscriptions exist before the writes, as the workload's do, so the broker keeps the backlog for them.
      for (let read = 0; read < READS; read++) await driver.registerGroup!(topic, `reader-${read}`);
      const producer = await driver.producer(topic);
      const payload = randomBytes(BYTES);
      for (let sent = 0; sent < MESSAGES; sent += IN_FLIGHT) {
        await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, MESSAGES - sent) }, () => producer.send(payload)));
      }
      await producer.close();
      for (let read = 0; read < READS; read++) {
        const openedMs = performance.now();
        let firstMs = 0;
        let received = 0;
        let failure: Error | undefined;
        const consumer = await driver.consumer(topic, {
          group: `reader-${read}`,
          from: 'earliest',
          onMessage: () => {
            if (received++ === 0) firstMs = performance.now();
          },
          onError: (error) => (failure ??= error),
          payloadLifetime: 'call',
          messageBytes: BYTES,
        });
        const deadline = openedMs + 300_000;
        while (received < MESSAGES && !failure && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
        const endMs = performance.now();
        await consumer.close();
        if (failure || received < MESSAGES) throw failure ?? new Error(`${topic} read ${read}: ${received} of ${MESSAGES} within 300 s`);
        const fromOpen = MESSAGES / ((endMs - openedMs) / 1000);
        const fromFirst = (MESSAGES - 1) / ((endMs - firstMs) / 1000);
        console.log(`${topic} read ${read}: first message after ${(firstMs - openedMs).toFixed(0)} ms, ${fromOpen.toFixed(1)} msg/s from the open, ${fromFirst.toFixed(1)} from the first message`);
      }
      await driver.deleteTopic(topic);
    }
  } finally {
    await driver.close();
  }
});
