import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { requireInstalled } from '../../testing/brokers.js';
import { closeWhenDone, tempDir } from '../../testing/temp-dir.js';
import type { LogDriver } from '../driver.js';
import { kafkaSettingsSchema } from './settings.js';
import { kafkaTarget } from './target.js';

before(() => requireInstalled('kafka'));

const FIRST = 300;
const SECOND = 120;

/** Waits, at most 30 s, until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 30_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
}

test('kafka: a consumer commits what it read when it closes — a reopened consumer of the same group reads only the newer messages, with every consumer path', async (t) => {
  const dir = await tempDir(t, 'mqbench-kafka-offsets-');
  const broker = await kafkaTarget.provision('local', { name: 'kafka', dir, logDir: dir, settings: kafkaSettingsSchema.parse({}), signal: new AbortController().signal });
  closeWhenDone(t, () => broker.stop());
  for (const consumerClient of ['kafkajs', 'confluent-binding', 'confluent-go'] as const) {
    await t.test(consumerClient, async () => {
      const driver = (await kafkaTarget.connect(broker.endpoint, kafkaSettingsSchema.parse({ consumerClient }), { trialIndex: 1 })) as LogDriver;
      try {
        const topic = `offsets-${consumerClient}`;
        await driver.createTopic(topic);
        const producer = await driver.producer(topic);
        const write = (from: number, count: number) => Promise.all(Array.from({ length: count }, (_, index) => producer.send(Buffer.from(`message ${from + index}`))));
        const read = async () => {
          const seen: string[] = [];
          const consumer = await driver.consumer(topic, { group: 'g', from: 'earliest', messageBytes: 16, onMessage: (payload) => void seen.push(Buffer.from(payload).toString()), onError: (error) => assert.fail(error) });
          return { seen, consumer };
        };
        await write(0, FIRST);
        const first = await read();
        await until(() => first.seen.length >= FIRST);
        // Within kafkajs's commit interval (5 s): only the close commits what was read.
        await first.consumer.close();
        assert.equal(first.seen.length, FIRST);
        await write(FIRST, SECOND);
        const second = await read();
        await until(() => second.seen.length >= SECOND);
        // Anything the first consumer read, if its offsets were not committed, would arrive now.
        await new Promise((resolve) => setTimeout(resolve, 500));
        await second.consumer.close();
        assert.deepEqual(second.seen, Array.from({ length: SECOND }, (_, index) => `message ${FIRST + index}`));
        await producer.close();
      } finally {
        await driver.close();
      }
    });
  }
});
