/**
 * The vector workload: Milvus's write and read paths through the target. Rows are generated on demand and inserted
 * in batches open-loop at `insertRate`; search and query requests are issued open-loop at their rates by a pool of
 * clients, each request with a consistency level in turn, and timed from its intended time (queueing included).
 * Reads continue `afterIngest` after the last insert. Recall@k is then checked against exact search.
 */
import type { PhaseRecorder } from '../../metrics/recorder.js';
import { nowMs } from '../../util/clock.js';
import { closedLoop, constantRate } from '../schedule.js';
import { Semaphore } from '../../util/semaphore.js';
import { ENVELOPE_BYTES } from '../envelope.js';
import { MessageFlow } from '../flow.js';
import { PayloadSource } from '../payload.js';
import type { Workload, WorkloadContext } from '../workload.js';
import { isVectorStore, type VectorBackend } from '../../targets/vector-store.js';
import { BrokerBackend } from './broker-backend.js';
import { VECTOR_HISTOGRAMS } from './summary.js';
import { VectorGenerator } from './generator.js';
import type { ConsistencyLevel, VectorParams } from './params.js';
import { exactTopK, recallAtK } from './recall.js';

/** Per-second series of the measured phase: ingest and read latency side by side. */
export interface VectorSeries {
  t: number[];
  ingestRowsPerSec: number[];
  searchP50Ms: number[];
  searchP99Ms: number[];
}

class VectorRun {
  private readonly generator: VectorGenerator;
  private readonly flow: MessageFlow;
  private recorder: PhaseRecorder | undefined;
  private backend!: VectorBackend;
  private lastAckedInsertTs = 0;
  private insertedRows = 0;
  /** From the first insert to the last acknowledgement. */
  private ingestSeconds = 0;
  private readonly second = { start: 0, rows: 0, latencies: [] as number[] };
  private readonly series: VectorSeries = { t: [], ingestRowsPerSec: [], searchP50Ms: [], searchP99Ms: [] };
  private readonly counts = new Map<string, number>();
  private readonly waited = new Map<string, number>();
  private usesBroker = false;

  constructor(
    private readonly context: WorkloadContext<VectorParams>,
    private readonly params: VectorParams,
  ) {
    this.generator = new VectorGenerator(params.dimension, params.clusters, context.seed);
    // Insert bodies are built from the generator; the payload source only satisfies the flow's interface.
    this.flow = new MessageFlow({ payloads: new PayloadSource('random', 16, 1, context.seed), messageBytes: ENVELOPE_BYTES + 16, stallTimeoutMs: params.timeout, signal: context.signal });
  }

  async run(): Promise<void> {
    const { context, params } = this;
    const native = isVectorStore(context.connection) ? context.connection.vectorBackend(params) : undefined;
    this.usesBroker = native === undefined;
    this.backend =
      native ??
      new BrokerBackend({
        driver: context.driver,
        params,
        topicPrefix: context.topicPrefix,
        createdTopics: context.createdTopics,
        flow: this.flow,
        scratchDir: context.scratchDir,
        seed: context.seed,
        recorder: () => this.recorder,
      });
    await this.backend.start();
    try {
      this.recorder = await context.beginPhase('measured');
      this.second.start = performance.now();
      const seconds = setInterval(() => this.closeSecond(), 1000);
      try {
        const ingest = this.ingest();
        const reads = this.reads(ingest);
        await ingest;
        await reads;
      } finally {
        clearInterval(seconds);
      }
      this.closeSecond();
      await context.endPhase();
      this.recorder = undefined;
      await this.backend.settle();
      await this.checkRecall();
      const stats = await this.backend.stats();
      context.setExtra('vector', {
        backend: this.backend.description,
        insertedRows: this.insertedRows,
        ingestSeconds: this.ingestSeconds,
        requests: Object.fromEntries(this.counts),
        waitedMs: Object.fromEntries(this.waited),
        stats,
        series: this.series,
      });
    } finally {
      await this.backend.close();
    }
    const failure = this.flow.verdict();
    if (failure) context.fail(failure);
  }

  /** Inserts every row in batches, open-loop at insertRate (as fast as acknowledged when 0: one batch per channel in flight). */
  private async ingest(): Promise<void> {
    const { params } = this;
    const started = nowMs();
    const batches = Math.ceil(params.vectors / params.insertBatch);
    const stop = () => this.stopped();
    if (params.insertRate > 0) {
      const inFlight: Array<Promise<void>> = [];
      await constantRate({ intervalMs: (params.insertBatch / params.insertRate) * 1000, count: batches, startMs: started, stop, signal: this.context.signal }, (slot) => {
        this.recorder?.recordSendDelay(slot.delayMs, slot.late);
        inFlight.push(this.insertBatch(slot.index));
      });
      await Promise.all(inFlight);
    } else {
      await closedLoop({ concurrency: params.channels, count: batches, stop }, ({ index }) => this.insertBatch(index));
    }
    this.ingestSeconds = (nowMs() - started) / 1000;
  }

  /** Generates batch `batch` and inserts it; resolves on its acknowledgement. */
  private insertBatch(batch: number): Promise<void> {
    const { params } = this;
    const first = batch * params.insertBatch;
    const rows = Math.min(params.insertBatch, params.vectors - first);
    const pks = Float64Array.from({ length: rows }, (_, row) => first + row);
    const scalars = Int32Array.from(pks, (pk) => this.generator.scalar(pk));
    const vectors = new Float32Array(rows * params.dimension);
    for (let row = 0; row < rows; row++) this.generator.fillRow(first + row, vectors, row * params.dimension);
    const insertTs = nowMs();
    return this.backend.insert({ insertTs, pks, scalars, vectors, dimension: params.dimension }).then(() => {
      this.insertedRows += rows;
      this.second.rows += rows;
      this.lastAckedInsertTs = Math.max(this.lastAckedInsertTs, insertTs);
      this.context.progress({ phase: 'measured', done: this.insertedRows, total: params.vectors, unit: 'messages', note: 'rows inserted' });
    });
  }

  /** Searches and queries, open-loop, until `afterIngest` after ingest ended. */
  private async reads(ingest: Promise<void>): Promise<void> {
    let ingestDone: number | undefined;
    void ingest.then(() => (ingestDone = performance.now()), () => (ingestDone = performance.now()));
    const finished = () => this.stopped() || (ingestDone !== undefined && performance.now() - ingestDone >= this.params.afterIngest);
    await Promise.all([this.readLoop('search', this.params.search, finished), this.readLoop('query', this.params.query, finished)]);
  }

  private async readLoop(kind: 'search' | 'query', load: VectorParams['search'], finished: () => boolean): Promise<void> {
    if (load.rate <= 0) return;
    const pool = new Semaphore(load.clients);
    const pending: Array<Promise<void>> = [];
    // Each request is timed from its intended time: a request queued for a free client counts its wait.
    await constantRate({ intervalMs: 1000 / load.rate, stop: finished, signal: this.context.signal }, ({ index, clockFromMs }) => {
      const level = load.consistency[index % load.consistency.length]!;
      pending.push(pool.run(() => (this.stopped() ? Promise.resolve() : this.read(kind, index, level, clockFromMs))).catch((error: Error) => (this.flow.failure ??= error) as never));
    });
    await Promise.all(pending);
  }

  private async read(kind: 'search' | 'query', index: number, level: ConsistencyLevel, intendedMs: number): Promise<void> {
    const guarantee = this.guarantee(level, intendedMs);
    let waitedMs: number;
    if (kind === 'search') {
      ({ waitedMs } = await this.backend.search(this.generator.queryVector(index), this.params.topK, level, guarantee));
    } else if (index % 2 === 0) {
      ({ waitedMs } = await this.backend.query('scalar', index % 1000, level, guarantee));
    } else {
      const known = Math.max(1, this.insertedRows);
      ({ waitedMs } = await this.backend.query('pks', [index % known, (index * 7) % known, (index * 13) % known], level, guarantee));
    }
    const latency = nowMs() - intendedMs;
    this.recorder?.recordNamed(VECTOR_HISTOGRAMS.latency(kind, level), latency);
    this.recorder?.recordNamed(VECTOR_HISTOGRAMS.wait(kind, level), waitedMs);
    const key = `${kind}.${level}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.waited.set(key, (this.waited.get(key) ?? 0) + waitedMs);
    if (kind === 'search') this.second.latencies.push(latency);
  }

  /** The timestamp a read at `level` must see (Milvus semantics). */
  private guarantee(level: ConsistencyLevel, intendedMs: number): number {
    switch (level) {
      case 'Strong':
        return intendedMs;
      case 'Bounded':
        return intendedMs - this.params.boundedStaleness;
      case 'Session':
        return this.lastAckedInsertTs;
      case 'Eventually':
        return 0;
    }
  }

  /** After ingest: recall@k of `recallQueries` searches against exact search over every inserted row. */
  private async checkRecall(): Promise<void> {
    const count = this.params.recallQueries;
    if (count === 0 || this.insertedRows === 0) return;
    const queries = Array.from({ length: count }, (_, index) => this.generator.queryVector(1_000_000_000 + index));
    const approximate: number[][] = [];
    for (const query of queries) approximate.push((await this.backend.search(query, this.params.topK, 'Eventually', 0)).pks);
    const started = performance.now();
    const exact = exactTopK(this.generator, this.insertedRows, queries, this.params.topK);
    this.context.setExtra('recall', {
      k: this.params.topK,
      queries: count,
      recall: recallAtK(approximate, exact),
      rows: this.insertedRows,
      exactSearchSeconds: (performance.now() - started) / 1000,
    });
  }

  private closeSecond(): void {
    const now = performance.now();
    const seconds = (now - this.second.start) / 1000;
    if (seconds <= 0) return;
    const sorted = this.second.latencies.sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    this.series.t.push(Number(((this.series.t.at(-1) ?? 0) + seconds).toFixed(3)));
    this.series.ingestRowsPerSec.push(this.second.rows / seconds);
    this.series.searchP50Ms.push(at(0.5));
    this.series.searchP99Ms.push(at(0.99));
    Object.assign(this.second, { start: now, rows: 0, latencies: [] });
  }

  private stopped(): boolean {
    return this.context.signal.aborted || this.flow.failure !== undefined || (this.usesBroker && this.flow.stalled());
  }
}

/** The vector workload. */
export const vectorWorkload: Workload<VectorParams> = {
  type: 'vector',
  run: (context) => new VectorRun(context, context.params).run(),
};
