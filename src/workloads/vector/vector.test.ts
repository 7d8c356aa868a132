import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyRun } from '../../testing/tiny-run.js';

test('vector workload on rocksmq (in a worker process): real HNSW search, recall, consistency waits, tick lag', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: vector-small
targets: [rocksmq]
workload:
  type: vector
  vectors: 20000
  dimension: 32
  clusters: 32
  channels: 4
  insertBatch: 250
  insertRate: 10000
  segmentRows: 5000
  index: { M: 12, efConstruction: 60, efSearch: 64 }
  topK: 10
  search: { rate: 40, clients: 2, consistency: [Strong, Bounded] }
  query: { rate: 10, clients: 1, consistency: [Strong, Eventually] }
  afterIngest: 2s
  recallQueries: 30
`,
    { isolated: true },
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error ?? entry?.failures.join('; '));
  const vector = entry!.summary!.vector!;
  assert.ok(vector.recallAtK! >= 0.9, `recall@10 ${vector.recallAtK}`);
  assert.equal(vector.k, 10);
  const strong = vector.search.Strong!;
  const bounded = vector.search.Bounded!;
  assert.ok(strong.latencyMs.count > 20 && bounded.latencyMs.count > 20);
  assert.ok(strong.waitMs.mean > bounded.waitMs.mean, `Strong waits for the next tick (${strong.waitMs.mean} ms) longer than Bounded (${bounded.waitMs.mean} ms)`);
  assert.ok(strong.waitMs.mean > 20 && strong.waitMs.mean < 400, `about half a tick interval plus lag: ${strong.waitMs.mean} ms`);
  assert.ok(vector.query.Strong!.rps > 0 && vector.query.Eventually!.rps > 0);
  assert.ok(vector.ingestRowsPerSec > 0 && vector.ingestRowsPerSec <= 10000 * 1.1, `paced ingest never exceeds insertRate: ${vector.ingestRowsPerSec}`);
  assert.equal(vector.sealedSegments, 4);
  assert.ok((entry!.summary!.ticks?.lagMs.count ?? 0) > 10, 'time ticks went through the broker');
  assert.equal(entry!.summary!.delivery.lost, 0);
  const extras = entry!.trials[0]!.extras!.vector as { stats: { indexed: number }; series: { t: number[] } };
  assert.equal(extras.stats.indexed, 4, 'every sealed segment got its HNSW index');
  assert.ok(extras.series.t.length >= 3);
});
