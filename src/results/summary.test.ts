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

test('write throughput is over the writes, not the wait for a lagging consumer', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: lagging-consumer
targets: [{ name: f, type: fake, settings: { deliveryDelayMs: 1500 } }]
workload: { type: stream, mode: closed-loop, inFlight: 4, payloadBytes: 1KiB, messages: 400 }
`,
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error);
  const measured = entry!.trials[0]!.measured!;
  assert.ok(measured.writeSeconds! < 1 && measured.durationSeconds >= 1.5, `writes took ${measured.writeSeconds} s of a ${measured.durationSeconds} s phase`);
  const { writeMegabytesPerSec, megabytesPerSec } = entry!.summary!.throughput;
  assert.ok(Math.abs(writeMegabytesPerSec! - (400 * 1024) / 1e6 / measured.writeSeconds!) < 1e-9);
  assert.ok(writeMegabytesPerSec! > 2 * megabytesPerSec, `write ${writeMegabytesPerSec} MB/s vs delivered ${megabytesPerSec} MB/s`);
});
