/** A Pulsar client path: how producers and consumers talk to the broker (native library or WebSocket API). */
import type { ConsumerOptions, LogConsumer, LogProducer } from '../driver.js';

/** One way of producing and consuming. Topics and subscriptions are created through the admin REST API either way. */
export interface PulsarClientPath {
  name: string;
  version: string;
  notes: string[];
  producer(topic: string): Promise<LogProducer>;
  consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer>;
  close(): Promise<void>;
}
