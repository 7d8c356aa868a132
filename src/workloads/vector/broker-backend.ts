/**
 * The broker backend: Milvus's data path through the broker under test. Insert batches go to N channels (one
 * producer per channel, one send in flight per channel so order holds); a time tick goes to every channel every
 * `tickInterval`. A query node consumes every channel: rows go to the segments (in a worker thread), ticks advance
 * the channel's serviceable time. A read with guarantee g waits until every channel's serviceable time is ≥ g.
 */
import { TICK_HISTOGRAMS } from '../ticks/summary.js';
import { VECTOR_HISTOGRAMS } from './summary.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PhaseRecorder } from '../../metrics/recorder.js';
import type { LogConsumer, LogDriver, LogProducer } from '../../targets/driver.js';
import { nowMs } from '../../util/clock.js';
import { startWorker, WorkerClient } from '../../util/worker.js';
import type { MessageFlow } from '../flow.js';
import { ENVELOPE_BYTES } from '../envelope.js';
import type { BackendStats, SearchResult, VectorBackend } from '../../targets/vector-store.js';
import { decodeVectorMessage, encodeInsert, encodeTick, type RowBatch } from './codec.js';
import type { VectorParams } from './params.js';
import type { Hit } from './segments.js';

/** What the broker backend needs from the workload. */
export interface BrokerBackendContext {
  driver: LogDriver;
  params: VectorParams;
  topicPrefix: string;
  createdTopics: string[];
  flow: MessageFlow;
  scratchDir: string;
  seed: number;
  /** The recorder deliveries and tick lags go to (the current phase). */
  recorder(): PhaseRecorder | undefined;
}

/** Serialises sends per channel: one in flight at a time, in submission order. */
class ChannelQueue {
  private tail: Promise<void> = Promise.resolve();
  enqueue(send: () => Promise<void>): Promise<void> {
    const next = this.tail.then(send);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** The query node over a broker. */
export class BrokerBackend implements VectorBackend {
  readonly description: string;
  private producers: LogProducer[] = [];
  private consumers: LogConsumer[] = [];
  private queues: ChannelQueue[] = [];
  private serviceable: number[] = [];
  private waiters: Array<{ guarantee: number; resolve(): void }> = [];
  private segments!: WorkerClient;
  private tickTimer: NodeJS.Timeout | undefined;
  private ticksStopped = false;
  private nextChannel = 0;
  private appending: Promise<unknown> = Promise.resolve();

  constructor(private readonly context: BrokerBackendContext) {
    this.description = `query node over the broker (${context.params.channels} channels, ticks every ${context.params.tickInterval} ms)`;
  }

  async start(): Promise<void> {
    const { driver, params, topicPrefix } = this.context;
    const indexDir = join(this.context.scratchDir, 'indexes');
    await mkdir(indexDir, { recursive: true });
    this.segments = new WorkerClient(
      startWorker(new URL('./search-worker.ts', import.meta.url), {
        dimension: params.dimension,
        segmentRows: params.segmentRows,
        M: params.index.M,
        efConstruction: params.index.efConstruction,
        efSearch: params.index.efSearch,
        indexDir,
        seed: this.context.seed,
      }),
    );
    this.serviceable = Array.from({ length: params.channels }, () => 0);
    for (let channel = 0; channel < params.channels; channel++) {
      const topic = `${topicPrefix}-dml${channel}`;
      this.context.createdTopics.push(topic);
      await driver.createTopic(topic);
      this.consumers.push(
        await driver.consumer(topic, { group: topic, from: 'earliest', onMessage: (payload) => this.onMessage(channel, payload), onError: (error) => (this.context.flow.failure ??= error) }),
      );
      this.producers.push(await driver.producer(topic));
      this.queues.push(new ChannelQueue());
    }
    this.tick();
  }

  /** Sends a time tick to every channel now, and schedules the next. */
  private tick(): void {
    const ts = nowMs();
    const body = encodeTick(ts);
    this.producers.forEach((producer, channel) => {
      void this.queues[channel]!.enqueue(() => this.context.flow.send(producer, channel * 2 + 2, ts, 0, this.context.recorder(), body)).catch((error: Error) => (this.context.flow.failure ??= error));
    });
    if (!this.ticksStopped) this.tickTimer = setTimeout(() => this.tick(), this.context.params.tickInterval);
  }

  insert(batch: RowBatch): Promise<void> {
    const channel = this.nextChannel++ % this.producers.length;
    const body = encodeInsert(batch);
    return this.queues[channel]!.enqueue(() => this.context.flow.send(this.producers[channel]!, channel * 2 + 1, batch.insertTs, 0, this.context.recorder(), body));
  }

  private onMessage(channel: number, payload: Uint8Array): void {
    const delivered = this.context.flow.receive(payload);
    if (!delivered) return;
    const message = decodeVectorMessage(payload.subarray(ENVELOPE_BYTES));
    const recorder = this.context.recorder();
    if (message.kind === 'tick') {
      recorder?.recordNamed(TICK_HISTOGRAMS.lag, delivered.receivedMs - message.ts);
      this.serviceable[channel] = Math.max(this.serviceable[channel]!, message.ts);
      this.releaseWaiters();
      return;
    }
    const { kind: _kind, ...batch } = message;
    this.appending = this.segments.call({ type: 'append', ...batch }, [batch.pks.buffer as ArrayBuffer, batch.scalars.buffer as ArrayBuffer, batch.vectors.buffer as ArrayBuffer]).then(() => {
      const now = nowMs();
      recorder?.recordNamed(VECTOR_HISTOGRAMS.visibility, now - message.insertTs);
      recorder?.recordDelivery(now - message.insertTs, payload.byteLength, now);
    });
  }

  /** The serviceable time of the node: the lowest over channels. */
  private serviceableTime(): number {
    return Math.min(...this.serviceable);
  }

  private releaseWaiters(): void {
    const time = this.serviceableTime();
    const ready = this.waiters.filter((waiter) => waiter.guarantee <= time);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => waiter.guarantee > time);
    for (const waiter of ready) waiter.resolve();
  }

  /** Waits until serviceable time ≥ `guarantee`; returns how long that took. */
  private async waitServiceable(guarantee: number): Promise<number> {
    if (guarantee <= this.serviceableTime()) return 0;
    const started = performance.now();
    const limitMs = this.context.params.timeout;
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        guarantee,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      // Ticks that stop arriving (a dead broker, a stuck channel) fail the read instead of hanging the trial.
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        const slowest = this.serviceableTime();
        const state = slowest === 0 ? 'a channel has had no tick yet' : `the slowest channel's last tick is ${((nowMs() - slowest) / 1000).toFixed(1)} s old`;
        reject(new Error(`a read waited ${(limitMs / 1000).toFixed(0)} s for the query node's serviceable time to reach its guarantee (${state}): time ticks stopped arriving`));
      }, limitMs);
      this.waiters.push(waiter);
    });
    return performance.now() - started;
  }

  async search(vector: Float32Array, k: number, _level: string, guaranteeTs: number): Promise<SearchResult> {
    const waitedMs = await this.waitServiceable(guaranteeTs);
    const hits = await this.segments.call<Hit[]>({ type: 'search', vector, k });
    return { pks: hits.map((hit) => hit.pk), waitedMs };
  }

  async query(kind: 'scalar' | 'pks', argument: number | number[], _level: string, guaranteeTs: number): Promise<{ count: number; waitedMs: number }> {
    const waitedMs = await this.waitServiceable(guaranteeTs);
    const count =
      kind === 'scalar'
        ? await this.segments.call<number>({ type: 'query-scalar', value: argument, limit: 100 })
        : await this.segments.call<number>({ type: 'query-pks', pks: argument });
    return { count, waitedMs };
  }

  async settle(): Promise<void> {
    // No ticks after the measured phase: every message sent must be accounted for by the drain.
    this.ticksStopped = true;
    clearTimeout(this.tickTimer);
    await this.context.flow.drain();
    await this.appending;
    await this.segments.call({ type: 'settle' });
  }

  async stats(): Promise<BackendStats> {
    const stats = await this.segments.call<{ rows: number; sealed: number; indexed: number; growingRows: number; buildMs: number }>({ type: 'stats' });
    return { rows: stats.rows, sealed: stats.sealed, indexed: stats.indexed, growingRows: stats.growingRows, indexBuildSeconds: stats.buildMs / 1000 };
  }

  async close(): Promise<void> {
    clearTimeout(this.tickTimer);
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    await Promise.allSettled([...this.consumers.map((consumer) => consumer.close()), ...this.producers.map((producer) => producer.close())]);
    await this.segments.call({ type: 'close' }).catch(() => undefined);
    await this.segments.close();
  }
}
