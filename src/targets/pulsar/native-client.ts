/**
 * The native client path: the `pulsar-client` package (libpulsar, Pulsar's binary protocol). It is an optional
 * dependency: its install downloads a prebuilt library from an Apache host, which fails on machines without that
 * access (like the one mqbench is developed on). `loadNativeClient` returns undefined when the module does not load.
 */
import { createRequire } from 'node:module';
import type { ConsumerOptions, LogConsumer, LogProducer } from '../driver.js';
import type { PulsarClientPath } from './client.js';

interface NativeModule {
  AuthenticationToken: new (options: { token: string }) => unknown;
  Client: new (options: { serviceUrl: string; operationTimeoutSeconds?: number; authentication?: unknown; tlsTrustCertsFilePath?: string }) => {
    createProducer(options: Record<string, unknown>): Promise<{ send(message: { data: Buffer }): Promise<{ toString(): string }>; close(): Promise<void> }>;
    subscribe(options: Record<string, unknown>): Promise<{ close(): Promise<void> }>;
    close(): Promise<void>;
  };
}

/** The pulsar-client module, or undefined (with the reason) when it cannot be loaded here. */
export function loadNativeClient(): { module?: NativeModule; reason?: string } {
  try {
    return { module: createRequire(import.meta.url)('pulsar-client') as NativeModule };
  } catch (error) {
    return { reason: (error as Error).message.split('\n')[0] };
  }
}

/** The native client path over `serviceUrl` (pulsar://host:port). */
export function nativeClient(module: NativeModule, serviceUrl: string, receiverQueueSize: number, version: string, token?: string, caFile?: string): PulsarClientPath {
  const client = new module.Client({
    serviceUrl,
    operationTimeoutSeconds: 30,
    ...(token === undefined ? {} : { authentication: new module.AuthenticationToken({ token }) }),
    ...(caFile === undefined ? {} : { tlsTrustCertsFilePath: caFile }),
  });
  return {
    name: 'pulsar-client (native, libpulsar)',
    version,
    notes: [],
    async producer(topic): Promise<LogProducer> {
      const producer = await client.createProducer({ topic: `persistent://public/default/${topic}`, batchingEnabled: false, sendTimeoutMs: 30_000 });
      return {
        send: async (payload) => (await producer.send({ data: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength) })).toString(),
        close: () => producer.close(),
      };
    },
    async consumer(topic, options: ConsumerOptions): Promise<LogConsumer> {
      const consumer = await client.subscribe({
        topic: `persistent://public/default/${topic}`,
        subscription: options.group,
        subscriptionType: 'Exclusive',
        subscriptionInitialPosition: options.from === 'earliest' ? 'Earliest' : 'Latest',
        receiverQueueSize,
        listener: (message: { getData(): Buffer }, self: { acknowledge(message: unknown): void }) => {
          options.onMessage(message.getData());
          self.acknowledge(message);
        },
      });
      return { close: () => consumer.close() };
    },
    close: () => client.close(),
  };
}
