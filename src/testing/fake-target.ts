/**
 * Test helper: an in-memory target with fault injection (drop, corrupt, duplicate, reorder, failing sends, failing
 * start), to test the harness's verification and error handling in isolation. Never used for a benchmark figure.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ConsumerOptions, LogConsumer, LogDriver, ToolProbeSpec, ToolReading } from '../targets/driver.js';
import { toolReading, calibrate } from '../targets/perf-tool.js';
import { registerTarget } from '../targets/registry.js';
import { spawn, type ChildProcess } from 'node:child_process';
import type { TargetDefinition } from '../targets/target.js';

const faultsSchema = z
  .object({
    dropEvery: z.number().int().min(0).default(0),
    corruptEvery: z.number().int().min(0).default(0),
    duplicateEvery: z.number().int().min(0).default(0),
    swapEvery: z.number().int().min(0).default(0),
    failSendAt: z.number().int().min(0).default(0),
    failProvision: z.boolean().default(false),
    sendDelayMs: z.number().min(0).default(0),
    /** Throws an uncaught exception (outside any promise) at this send: a crash of the harness process. */
    crashAt: z.number().int().min(0).default(0),
    /** Starts with this many bytes of "earlier data" on disk and deletes them at the first topic: deferred reclamation. */
    reclaimBytes: z.number().int().min(0).default(0),
    /** Delivers only the first N messages sent and acknowledges the rest: consumers that stop receiving. */
    deliverFirst: z.number().int().min(0).default(0),
    /** Delivers each message this long after it was sent: a consumer that lags behind the writes. */
    deliveryDelayMs: z.number().min(0).default(0),
    /** A perf tool that reports this many messages per second (0: the fake has no tool). */
    toolMessagesPerSec: z.number().min(0).default(0),
    /** A perf tool that fails with this message. */
    toolError: z.string().optional(),
    /** The fake tool's read-back rate (default: its write rate), or its failure. */
    toolReadMessagesPerSec: z.number().min(0).default(0),
    toolReadError: z.string().optional(),
    /**
     * The fake broker "dies" and the harness notices only this long after it first asks (0: it never dies): a broker
     * whose exit is seen late on a busy machine.
     */
    deathNoticedAfterMs: z.number().min(0).default(0),
    /** A Go reference of the pub/sub operation at this many messages per second (0: the fake has none). */
    referenceMessagesPerSec: z.number().min(0).default(0),
    /**
     * A broker process of its own (the fake's messages stay in memory): idle, or burning a core (a neighbour busy
     * with background work, for the other targets' trials).
     */
    brokerProcess: z.enum(['none', 'idle', 'busy']).default('none'),
    /** Refuses this many producer opens after the first: a broker slow to take producers again after a restart. */
    refuseProducers: z.number().int().min(0).default(0),
    /** A consumer delivers nothing for this long after it opens: a group join that waits on a recovering broker. */
    consumerJoinMs: z.number().min(0).default(0),
    /**
     * A producer that holds each send this long before storing and acknowledging it, and stores all it holds when
     * closed: a client that goes on retrying the sends a writer gave up on, and flushes them on close.
     */
    holdSendsMs: z.number().min(0).default(0),
    /** What the fake says of its durability (its driver's fsyncBeforeAck). */
    fsyncBeforeAck: z.boolean().nullable().default(null),
  })
  .strict();

type Faults = z.output<typeof faultsSchema>;

let scratchDeliveries = 0;

/** Messages the fake delivered through a reused scratch buffer (to workloads that keep no payload), in this process. */
export function fakeScratchDeliveries(): number {
  return scratchDeliveries;
}

/**
 * Hands each payload over in one buffer the consumer reuses, overwritten once the call returns, as a driver that
 * recycles its read buffers does: a workload that kept a payload past its call would find garbage in it.
 */
function throughScratch(onMessage: (payload: Uint8Array) => void): (payload: Uint8Array) => void {
  let scratch = new Uint8Array(0);
  return (payload) => {
    if (scratch.length < payload.length) scratch = new Uint8Array(payload.length);
    const view = scratch.subarray(0, payload.length);
    view.set(payload);
    onMessage(view);
    view.fill(0xee);
    scratchDeliveries += 1;
  };
}

/**
 * Waits at least `ms` on the monotonic clock. Node measures a timeout from the event loop's cached time, so a bare
 * setTimeout after a busy loop turn can fire early; the delay a test asserts on must not.
 */
async function sleepAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
}

/** One fake broker's topics: shared by every connection to the same provisioned instance. */
class FakeStore {
  readonly topics = new Map<string, Set<(payload: Uint8Array) => void>>();
  readonly held = new Map<string, Uint8Array>();
  /** Everything delivered per topic, replayed to a consumer that subscribes later (reading from the earliest). */
  readonly logs = new Map<string, Uint8Array[]>();
  /** Producers opened so far (refused ones included). */
  producersOpened = 0;
}

/** The stores of provisioned fakes, by the id in their endpoint. */
const stores = new Map<string, FakeStore>();

class FakeDriver implements LogDriver {
  private sent = 0;
  private readonly topics: FakeStore['topics'];
  private readonly held: FakeStore['held'];
  private readonly logs: FakeStore['logs'];

  constructor(
    private readonly faults: Faults,
    private readonly earlierData?: string,
    private readonly store = new FakeStore(),
  ) {
    ({ topics: this.topics, held: this.held, logs: this.logs } = store);
  }

  async describe() {
    return { broker: { name: 'fake', version: '0' }, client: { name: 'fake', version: '0' }, durability: { fsyncBeforeAck: this.faults.fsyncBeforeAck }, settings: {}, notes: ['test fake'] };
  }
  async createTopic(topic: string) {
    if (this.earlierData) await rm(this.earlierData, { force: true });
    this.topics.set(topic, new Set());
  }
  async deleteTopic(topic: string) {
    this.topics.delete(topic);
    this.logs.delete(topic);
  }
  async producer(topic: string) {
    const opened = ++this.store.producersOpened;
    if (opened > 1 && opened <= 1 + this.faults.refuseProducers) throw new Error('injected: the topic is not ready yet');
    let flush: () => void = () => undefined;
    const flushed = new Promise<void>((resolve) => (flush = resolve));
    const hold = () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.faults.holdSendsMs);
        void flushed.then(() => (clearTimeout(timer), resolve()));
      });
    return {
      send: async (payload: Uint8Array) => {
        this.sent += 1;
        const n = this.sent;
        if (this.faults.failSendAt && n === this.faults.failSendAt) throw new Error('injected send failure');
        if (this.faults.crashAt && n === this.faults.crashAt) {
          setImmediate(() => {
            throw new Error('injected crash');
          });
        }
        if (this.faults.sendDelayMs) await sleepAtLeast(this.faults.sendDelayMs);
        if (this.faults.holdSendsMs) await hold();
        // A slowdown outside the configuration (as a code change would be), for the history's tests.
        const slowdown = Number(process.env.MQBENCH_FAKE_SLOWDOWN_MS ?? 0);
        if (slowdown > 0) await sleepAtLeast(slowdown);
        const copy = Uint8Array.from(payload);
        const every = (k: number) => k > 0 && n % k === 0;
        if (every(this.faults.corruptEvery)) copy[copy.length - 1] = (copy[copy.length - 1]! + 1) % 256;
        const cutOff = this.faults.deliverFirst > 0 && n > this.faults.deliverFirst;
        if (!cutOff && !every(this.faults.dropEvery)) this.deliver(topic, copy, every(this.faults.swapEvery));
        if (every(this.faults.duplicateEvery)) this.deliver(topic, copy, false);
        return String(n);
      },
      close: async () => {
        flush();
        // The held sends store their messages in the microtasks the flush starts, all run before the next turn.
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
  }
  async consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer> {
    const listeners = this.topics.get(topic)!;
    const onMessage = options.payloadLifetime === 'call' ? throughScratch(options.onMessage) : options.onMessage;
    let closed = false;
    const join = () => {
      if (closed) return;
      const earlier = [...(this.logs.get(topic) ?? [])];
      if (earlier.length > 0) setImmediate(() => earlier.forEach((payload) => onMessage(payload)));
      listeners.add(onMessage);
    };
    if (this.faults.consumerJoinMs > 0) setTimeout(join, this.faults.consumerJoinMs).unref();
    else join();
    return {
      close: async () => {
        closed = true;
        listeners.delete(onMessage);
      },
    };
  }
  async close() {}

  get probeTool(): LogDriver['probeTool'] {
    return this.faults.toolMessagesPerSec > 0 || this.faults.toolError ? (spec) => this.fakeTool(spec) : undefined;
  }

  get probeReference(): LogDriver['probeReference'] {
    const rate = this.faults.referenceMessagesPerSec;
    if (rate === 0) return undefined;
    return async (spec) => toolReading({ tool: 'fake-ref', command: `fake-ref --messages ${spec.messages} --operations ${spec.operations}`, settings: {}, messages: spec.messages, messageBytes: spec.messageBytes, messagesPerSec: rate });
  }

  private async fakeTool(spec: ToolProbeSpec): Promise<ToolReading> {
    if (this.faults.toolError) throw new Error(this.faults.toolError);
    const reading = (rate: number) => toolReading({ tool: 'fake-perf', command: `fake-perf --msgs ${spec.messages}`, settings: { pubAcksOutstanding: spec.concurrency }, messages: spec.messages, messageBytes: spec.messageBytes, messagesPerSec: rate });
    return calibrate(spec, {
      write: async () => reading(this.faults.toolMessagesPerSec),
      read: async () => {
        if (this.faults.toolReadError) throw new Error(this.faults.toolReadError);
        return reading(this.faults.toolReadMessagesPerSec || this.faults.toolMessagesPerSec);
      },
    });
  }

  private handOver(topic: string, listeners: Set<(payload: Uint8Array) => void>, payload: Uint8Array): void {
    let log = this.logs.get(topic);
    if (!log) this.logs.set(topic, (log = []));
    log.push(payload);
    for (const listener of listeners) listener(payload);
  }

  /** Delivers `payload`; a held message is delivered after the next one (or after 20 ms), i.e. out of order. */
  private deliver(topic: string, payload: Uint8Array, hold: boolean): void {
    const listeners = this.topics.get(topic) ?? new Set();
    const release = () => {
      const held = this.held.get(topic);
      this.held.delete(topic);
      if (held) this.handOver(topic, listeners, held);
    };
    if (hold && !this.held.has(topic)) {
      this.held.set(topic, payload);
      setTimeout(release, 20);
      return;
    }
    const handOver = () => {
      this.handOver(topic, listeners, payload);
      release();
    };
    if (this.faults.deliveryDelayMs > 0) setTimeout(handOver, this.faults.deliveryDelayMs);
    else setImmediate(handOver);
  }
}

/** The fake target type "fake" (embedded). */
export const fakeTarget: TargetDefinition<Faults> = {
  type: 'fake',
  title: 'in-memory fake with fault injection (tests only)',
  kind: 'embedded',
  settingsSchema: faultsSchema,
  async availability() {
    return [{ provider: 'embedded', available: true, detail: 'in memory' }];
  },
  async provision(_provider, context) {
    const faults = context.settings as Faults;
    if (faults.failProvision) throw new Error('injected provisioning failure');
    if (faults.reclaimBytes > 0) {
      const earlierData = join(context.dir, 'earlier-data');
      await writeFile(earlierData, randomBytes(faults.reclaimBytes));
      const storage = { kind: 'directories' as const, paths: [context.dir] };
      return { provider: 'embedded', endpoint: { earlierData }, storage, info: {}, stop: async () => undefined };
    }
    let firstAsked: number | undefined;
    const failure = () => {
      firstAsked ??= Date.now();
      return Date.now() - firstAsked >= faults.deathNoticedAfterMs ? 'fake broker killed by SIGKILL during the run' : undefined;
    };
    const store = randomBytes(6).toString('hex');
    stores.set(store, new FakeStore());
    const broker = faults.brokerProcess === 'none' ? undefined : fakeBrokerProcess(faults.brokerProcess);
    // A broker process of its own keeps a data file, as a real one would (2 MiB: large enough to be evicted).
    if (broker) await writeFile(join(context.dir, 'data.log'), Buffer.alloc(2 * 1024 * 1024, 1));
    return {
      provider: 'embedded',
      endpoint: { store },
      ...(broker ? { broker: { kind: 'process-tree' as const, pid: broker.pid!, label: `fake broker (pid ${broker.pid})` } } : {}),
      storage: broker ? { kind: 'directories', paths: [context.dir] } : { kind: 'none', reason: 'in memory' },
      info: {},
      stop: async () => {
        stores.delete(store);
        broker?.kill('SIGKILL');
      },
      ...(faults.deathNoticedAfterMs > 0 ? { failure } : {}),
    };
  },
  async connect(endpoint, settings) {
    const { earlierData, store } = endpoint as { earlierData?: string; store?: string };
    // Trials run in worker processes: each process keeps its own copy of the store, shared by its connections.
    if (store !== undefined && !stores.has(store)) stores.set(store, new FakeStore());
    return new FakeDriver(settings, earlierData, store === undefined ? undefined : stores.get(store));
  },
};

/** A stand-in broker process, idle or spinning; it exits by itself when the process that started it is gone. */
function fakeBrokerProcess(kind: 'idle' | 'busy'): ChildProcess {
  const orphaned = `setInterval(() => { try { process.kill(${process.pid}, 0); } catch { process.exit(0); } }, 500);`;
  const spin = kind === 'busy' ? `setInterval(() => { const until = Date.now() + 45; while (Date.now() < until); }, 50);` : '';
  return spawn(process.execPath, ['-e', orphaned + spin], { stdio: 'ignore' });
}

/** Registers the fake target for the duration of a test file. */
export function useFakeTarget(): () => void {
  return registerTarget(fakeTarget);
}
