import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useFakeTarget } from '../../testing/fake-target.js';
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
  query: { rate: 2, clients: 1, consistency: [Strong, Eventually] }
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
  assert.ok(vector.ingestRowsPerSec > 10000 * 0.7 && vector.ingestRowsPerSec <= 10000 * 1.1, `paced ingest keeps to insertRate: ${vector.ingestRowsPerSec}`);
  assert.equal(vector.sealedSegments, 4);
  assert.ok((entry!.summary!.ticks?.lagMs.count ?? 0) > 10, 'time ticks went through the broker');
  assert.equal(entry!.summary!.delivery.lost, 0);
  // Reads stop afterIngest (2 s) after a 2 s ingest; a read loop issuing requests ahead of their intended time
  // (a 0.5 s query interval slept in 50 ms steps) would run on for tens of seconds.
  const measuredS = entry!.trials[0]!.measured!.durationSeconds;
  assert.ok(measuredS < 12, `the measured phase ends soon after ingest + afterIngest: ${measuredS} s`);
  const extras = entry!.trials[0]!.extras!.vector as { stats: { indexed: number }; series: { t: number[] } };
  assert.equal(extras.stats.indexed, 4, 'every sealed segment got its HNSW index');
  assert.ok(extras.series.t.length >= 3);
});

test('vector workload: a read whose guarantee the ticks never reach fails the trial after the timeout, instead of hanging', async (t) => {
  const unregister = useFakeTarget();
  t.after(unregister);
  const { result } = await tinyRun(
    t,
    `
name: vector-no-ticks
targets: [{ name: f, type: fake, settings: { deliverFirst: 40 } }]
workload:
  type: vector
  vectors: 2000000
  dimension: 8
  channels: 2
  insertBatch: 100
  insertRate: 2000
  segmentRows: 100000
  search: { rate: 10, clients: 2, consistency: [Strong] }
  query: { rate: 0 }
  recallQueries: 0
  timeout: 2s
`,
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'errored');
  assert.match(entry!.error ?? '', /serviceable time .* time ticks stopped arriving/);
});
