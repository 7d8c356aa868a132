import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { freePort } from '../../provision/ports.js';
import { requireInstalled } from '../../testing/brokers.js';
import { tempDir } from '../../testing/temp-dir.js';
import { tinyRun } from '../../testing/tiny-run.js';
import { startMilvusLite } from './lite.js';

before(() => requireInstalled('milvus'));

test('the milvus target against a real Milvus server (Milvus Lite 2.5: Milvus\'s C++ core, no message queue): the vector workload at every level, exact recall, the server\'s failures surfaced', async (t) => {
  const dir = await tempDir(t, 'mqbench-milvus-lite-');
  const port = await freePort();
  const server = await startMilvusLite({ dbFile: join(dir, 'mqbench.db'), port, logFile: join(dir, 'milvus.log') });
  t.after(() => server.stop());
  const scenario = (indexType: string) => `
name: milvus-lite
targets: [{ name: milvus, settings: { address: "127.0.0.1:${port}", indexType: ${indexType}, mqType: rocksmq, version: "2.5" } }]
workload:
  type: vector
  vectors: 3000
  dimension: 16
  clusters: 8
  channels: 2
  insertBatch: 250
  insertRate: 3000
  topK: 5
  search: { rate: 20, clients: 2, consistency: [Strong, Bounded, Session, Eventually] }
  query: { rate: 4, clients: 1, consistency: [Strong, Session] }
  afterIngest: 1s
  recallQueries: 20
`;
  const { result } = await tinyRun(t, scenario('AUTOINDEX'), { load: { provider: 'external' } });
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error ?? entry?.failures.join('; '));
  const vector = entry!.summary!.vector!;
  // Milvus Lite builds AUTOINDEX as FLAT: an exact search, so every true neighbour is found.
  assert.equal(vector.recallAtK, 1, `recall@5 ${vector.recallAtK}`);
  for (const level of ['Strong', 'Bounded', 'Session', 'Eventually'] as const) assert.ok((vector.search[level]?.latencyMs.count ?? 0) > 5, `${level} searches: ${JSON.stringify(vector.search[level]?.latencyMs)}`);
  for (const level of ['Strong', 'Session'] as const) assert.ok((vector.query[level]?.rps ?? 0) > 0, `${level} queries`);
  const extras = entry!.trials[0]!.extras!.vector as { insertedRows: number; stats: { rows: number; note?: string } };
  assert.equal(extras.insertedRows, 3000);
  // Milvus Lite counts no rows in its index description; the stats say so instead of claiming an index.
  assert.match(extras.stats.note ?? '', /counted no rows .* after the flush of 3000/);
  assert.equal(result.manifest.targets.milvus?.driver?.broker.version, 'unknown (the server gave no version)');

  // The HNSW the target asks for by default is refused by Milvus Lite: the trial errors with the server's reason.
  const refused = await tinyRun(t, scenario('HNSW'), { load: { provider: 'external' } });
  const [failed] = refused.result.cases;
  assert.equal(failed?.status, 'errored');
  assert.match(failed!.error ?? '', /Milvus createIndex failed: invalid index type: HNSW/);
});
