import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFakeTarget } from '../testing/fake-target.js';
import { tinyRun } from '../testing/tiny-run.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

test('a trial during which the broker reclaimed earlier data has no storage figure, not a negative one', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: reclaim
targets: [{ name: f, type: fake, settings: { reclaimBytes: 1048576 } }]
workload: { type: pubsub, operations: 2, messages: 50 }
`,
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error);
  const [trial] = entry!.trials;
  assert.equal(trial?.storage?.reclaimed, true);
  assert.ok((trial?.storage?.bytes ?? 0) < -1_000_000, `the raw difference is kept in the trial: ${trial?.storage?.bytes}`);
  assert.equal(entry!.summary!.storageBytes, null);
  assert.equal(entry!.summary!.storageBytesPerMessage, null);
  assert.equal(entry!.summary!.trialStats.storageBytes, undefined);
});
