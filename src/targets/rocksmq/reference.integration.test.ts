import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { before, test } from 'node:test';
import { assertVerifiedCase, requireInstalled } from '../../testing/brokers.js';
import { tinyRun } from '../../testing/tiny-run.js';

before(() => requireInstalled('rocksmq'));

test("rocksmq: reference: true runs the pub/sub operations through Milvus's own RocksMQ on the same disk, for the round trip ratio", async (t) => {
  const { result, outDir } = await tinyRun(
    t,
    `
name: rocksmq-reference
targets: [{ name: rocksmq, type: rocksmq }]
workload: { type: pubsub, payloadBytes: 1KiB, messages: 400, operations: 2, reference: true }
`,
  );
  const [entry] = result.cases;
  assertVerifiedCase(entry, 1200, 'shared');
  const summary = entry!.summary!;
  assert.ok(!summary.toolCeilingError, String(summary.toolCeilingError));
  assert.match(summary.toolCeiling!.tool, /^Milvus RocksMQ \(milvus pkg\/v2 v2\.5\.\d+, RocksDB \d+\.\d+\.\d+\) \(Go reference of the pub\/sub operation\)$/);
  assert.match(summary.toolCeiling!.command, /^rocksmq-ref --dir=\S+-milvus-rocksmq --messages=400 --size=1024 --operations=2 /);
  assert.equal(String(summary.toolCeiling!.settings.secondsPerOp).split(', ').length, 2, 'the reference ran as many operations as the trial');
  assert.match(String(summary.toolCeiling!.settings.consumer), /receive buffer 16/);
  assert.ok(summary.clientEfficiency! > 0, `round trip ratio ${summary.clientEfficiency}`);
  const left = await readdir(outDir, { recursive: true });
  assert.deepEqual(left.filter((path) => path.includes('milvus-rocksmq')), [], "the reference's stores are removed");
});
