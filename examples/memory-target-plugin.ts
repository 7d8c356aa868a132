/**
 * A plugin that adds a target type: an in-memory log, enough to run every log workload. Load it with
 *   MQBENCH_PLUGINS=examples/memory-target-plugin.ts npx mqbench run scenarios/quick.yaml --targets memory
 * A plugin imports only from the package ("mqbench"), never a path inside it.
 */
import { registerTarget, type LogDriver, type TargetDefinition } from 'mqbench';
import { z } from 'zod';

const settingsSchema = z.object({ deliveryDelayMs: z.number().min(0).default(0) }).strict();
type MemorySettings = z.output<typeof settingsSchema>;

/** One topic: its messages in order, and the consumers to hand new ones to. */
interface Topic {
  messages: Uint8Array[];
  listeners: Set<(payload: Uint8Array) => void>;
}

function memoryDriver(settings: MemorySettings): LogDriver {
  const topics = new Map<string, Topic>();
  const topicOf = (name: string) => {
    const topic = topics.get(name);
    if (!topic) throw new Error(`no topic ${name}`);
    return topic;
  };
  return {
    async describe() {
      return {
        broker: { name: 'in-memory log (example plugin)', version: '1' },
        client: { name: 'direct calls', version: '1' },
        durability: { fsyncBeforeAck: false, note: 'memory only' },
        settings: { deliveryDelayMs: settings.deliveryDelayMs },
        notes: ['an example: messages live in the trial process and vanish with it'],
      };
    },
    async createTopic(name) {
      topics.set(name, { messages: [], listeners: new Set() });
    },
    async deleteTopic(name) {
      topics.delete(name);
    },
    async producer(name) {
      const topic = topicOf(name);
      return {
        async send(payload) {
          const copy = Uint8Array.from(payload);
          topic.messages.push(copy);
          for (const listener of topic.listeners) setTimeout(() => listener(copy), settings.deliveryDelayMs);
          return String(topic.messages.length - 1);
        },
        async close() {},
      };
    },
    async consumer(name, options) {
      const topic = topicOf(name);
      if (options.from === 'earliest') for (const message of topic.messages) options.onMessage(message);
      topic.listeners.add(options.onMessage);
      return {
        async close() {
          topic.listeners.delete(options.onMessage);
        },
      };
    },
    async close() {},
  };
}

const memoryTarget: TargetDefinition<MemorySettings> = {
  type: 'memory',
  title: 'an in-memory log (example plugin)',
  kind: 'embedded',
  settingsSchema,
  workloads: ['pubsub', 'stream'],
  async availability() {
    return [{ provider: 'embedded', available: true, detail: 'in this process' }];
  },
  async provision(provider) {
    return { provider, endpoint: {}, storage: { kind: 'none', reason: 'memory' }, info: {}, stop: async () => undefined };
  },
  async connect(_endpoint, settings) {
    return memoryDriver(settings);
  },
};

registerTarget(memoryTarget);
