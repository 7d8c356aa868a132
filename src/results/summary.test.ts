import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFakeTarget } from '../testing/fake-target.js';
import { tinyRun } from '../testing/tiny-run.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

test('a trial during which the broker frees earlier data reports what it wrote (nothing here), not a negative figure', async (t) => {
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
  assert.ok(trial!.storage!.before.bytes - trial!.storage!.after.bytes >= 1_000_000, 'the total shrank by the freed megabyte');
  assert.equal(trial?.storage?.bytes, 0, 'the in-memory fake wrote nothing to disk');
  assert.equal(entry!.summary!.storageBytes, 0);
});
