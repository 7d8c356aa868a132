/**
 * librdkafka's consumer through the binding's own API (`KafkaConsumer.consume(n)`), not its KafkaJS-compatible layer:
 * the layer caches every message and rebuilds it as a KafkaJS object one by one, which held a 1 KiB backlog read to
 * 0.4 of ConsumerPerformance here. Each consume takes what librdkafka has queued without waiting; when nothing is,
 * the loop sleeps until librdkafka says its queue is no longer empty (`queue_non_empty_cb`), so neither a tailing
 * consumer nor a close waits on a poll timeout.
 */
import { errorMessage } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { messagesWithin, type ConsumerOptions, type LogConsumer } from '../driver.js';

type ConfluentModule = typeof import('@confluentinc/kafka-javascript');
type NativeConsumer = InstanceType<ConfluentModule['KafkaConsumer']>;
type NativeMessage = { value: Buffer | null };

/** At most this many messages (and 32 MiB of them) per consume call. */
const CONSUME_MESSAGES = 2_000;
const CONSUME_BYTES = 32 * 1024 * 1024;
/** The longest sleep of an idle consumer between consume calls (should a wake-up from librdkafka go missing). */
const IDLE_RECHECK_MS = 100;
const CONNECT_TIMEOUT_MS = 30_000;

/** The librdkafka properties of a consumer (fetch sizes, backoff), as the manifest records them. */
export function nativeConsumerProperties(fetchMaxBytes: number, messageMaxBytes: number): Record<string, number | boolean> {
  return {
    'enable.auto.commit': true,
    'max.partition.fetch.bytes': fetchMaxBytes,
    'fetch.max.bytes': fetchMaxBytes * 4,
    'fetch.wait.max.ms': 100,
    'message.max.bytes': messageMaxBytes,
    // When librdkafka's local queue passes queued.min.messages or queued.max.messages.kbytes (64 MiB: 64 messages
    // of 1 MiB), its next fetch waits this long (default 1 s) even once the queue has drained: a 1 MiB backlog read
    // at 188-692 msg/s with the default, 1,142-1,165 with 10 ms (ConsumerPerformance: ~960).
    'fetch.queue.backoff.ms': 10,
  };
}

/** Opens a group consumer of `topic` that hands every message to `options.onMessage` until closed. */
export async function openNativeConsumer(
  module: ConfluentModule,
  connection: Record<string, string | number | boolean>,
  properties: Record<string, string | number | boolean>,
  topic: string,
  options: ConsumerOptions,
): Promise<LogConsumer> {
  let closing = false;
  let queued = false;
  let wake: (() => void) | undefined;
  const onQueued = () => {
    queued = true;
    wake?.();
  };
  const consumer: NativeConsumer = new module.KafkaConsumer(
    { ...connection, ...properties, 'group.id': options.group, queue_non_empty_cb: onQueued } as ConstructorParameters<ConfluentModule['KafkaConsumer']>[0],
    { 'auto.offset.reset': options.from === 'earliest' ? 'earliest' : 'latest' },
  );
  await withTimeout(
    new Promise<void>((resolve, reject) => consumer.connect({ timeout: CONNECT_TIMEOUT_MS }, (error) => (error ? reject(error) : resolve()))),
    CONNECT_TIMEOUT_MS + 5_000,
    `connecting a consumer of ${topic}`,
  );
  consumer.setDefaultConsumeTimeout(0);
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(only: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  consumer.subscribe([topic]);
  const batch = messagesWithin(CONSUME_BYTES, options.messageBytes ?? 1024, CONSUME_MESSAGES);
  const consumeOnce = () =>
    new Promise<NativeMessage[]>((resolve, reject) => consumer.consume(batch, (error, messages) => (error ? reject(error) : resolve(messages as NativeMessage[]))));
  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, IDLE_RECHECK_MS);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  const loop = (async () => {
    while (!closing) {
      queued = false;
      const messages = await consumeOnce();
      for (const message of messages) if (message.value) options.onMessage(message.value);
      if (messages.length === 0 && !queued && !closing) await idle();
    }
  })().catch((error: unknown) => {
    if (!closing) options.onError(new Error(`Kafka consumer of ${topic}: ${errorMessage(error)}`));
  });
  consumer.on('event.error', (error: { isFatal?: boolean; message: string }) => {
    if (error.isFatal && !closing) options.onError(new Error(`Kafka consumer of ${topic}: ${error.message}`));
  });
  return {
    async close() {
      closing = true;
      wake?.();
      await withTimeout(loop, 10_000, `stopping the consumer of ${topic}`).catch(() => undefined);
      await withTimeout(new Promise<void>((resolve) => consumer.disconnect(() => resolve())), 30_000, `disconnecting the consumer of ${topic}`);
    },
  };
}
