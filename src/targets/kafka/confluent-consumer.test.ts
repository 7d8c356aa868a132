import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openNativeConsumer } from './confluent-consumer.js';

type ConsumeCallback = (error: Error | null, messages: { value: Buffer }[]) => void;

/** A stand-in for the binding's KafkaConsumer: hands out `batches` in turn, recording every call and delivery. */
function fakeModule(batches: number[][], events: string[]) {
  let inFlight = 0;
  class KafkaConsumer {
    constructor(readonly config: Record<string, unknown>) {}
    connect(_options: unknown, done: (error?: Error) => void) {
      done();
    }
    setDefaultConsumeTimeout() {}
    setDefaultIsTimeoutOnlyForFirstMessage() {}
    subscribe() {}
    on() {}
    disconnect(done: () => void) {
      done();
    }
    consume(_count: number, callback: ConsumeCallback) {
      inFlight += 1;
      events.push(`consume (${inFlight} in flight)`);
      const batch = batches.shift() ?? [];
      setImmediate(() => {
        inFlight -= 1;
        callback(null, batch.map((value) => ({ value: Buffer.from([value]) })));
      });
    }
  }
  return { KafkaConsumer } as unknown as typeof import('@confluentinc/kafka-javascript');
}

test('the next consume is asked for before a batch is handed over, one at a time, in order', async () => {
  const events: string[] = [];
  const delivered: number[] = [];
  const consumer = await openNativeConsumer(fakeModule([[1, 2], [3], [4, 5]], events), {}, {}, 'topic', {
    group: 'g',
    from: 'earliest',
    onMessage: (payload) => {
      delivered.push(payload[0]!);
      events.push(`deliver ${payload[0]}`);
    },
    onError: (error) => assert.fail(error),
    messageBytes: 1,
  });
  const deadline = Date.now() + 5_000;
  while (delivered.length < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  await consumer.close();
  assert.deepEqual(delivered, [1, 2, 3, 4, 5]);
  // librdkafka's queue is drained on the thread pool while the main thread verifies the batch before it.
  assert.deepEqual(events.slice(0, 6), ['consume (1 in flight)', 'consume (1 in flight)', 'deliver 1', 'deliver 2', 'consume (1 in flight)', 'deliver 3']);
  assert.ok(events.every((event) => !event.startsWith('consume (2')), 'never two consumes at once: their messages would interleave');
});
