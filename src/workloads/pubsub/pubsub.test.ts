import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fakeScratchDeliveries, useFakeTarget } from '../../testing/fake-target.js';
import { tinyRun } from '../../testing/tiny-run.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

const scenario = (settings: string, warmup = 0) => `
name: faults
targets:
  - name: f
    type: fake
    settings: ${settings}
workload: { type: pubsub, operations: 2, messages: 200, payloadBytes: 2KiB, timeout: 300ms }
warmup: { operations: ${warmup} }
sampling: { interval: 50ms }
`;

test('a clean broker passes with every counter equal', async (t) => {
  const scratchBefore = fakeScratchDeliveries();
  const { result } = await tinyRun(t, scenario('{}', 1));
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed');
  assert.equal(fakeScratchDeliveries() - scratchBefore, 600, 'every payload handed over in one reused buffer (the workload keeps none), and still verified');
  assert.deepEqual(entry?.summary?.delivery, { published: 400, acknowledged: 400, delivered: 400, lost: 0, duplicated: 0, outOfOrder: 0, corrupt: 0 }, 'the measured operations, as the latency counts');
  assert.deepEqual(entry?.summary?.warmupDelivery, { published: 200, acknowledged: 200, delivered: 200, lost: 0, duplicated: 0, outOfOrder: 0, corrupt: 0 }, 'the warm-up apart');
  assert.equal(entry?.summary?.opSeconds?.count, 2, 'warm-up operations are excluded from the summary');
  assert.equal(entry?.trials[0]?.warmup?.opSeconds.length, 1, 'the warm-up is recorded and shown');
  assert.equal(entry?.summary?.e2eLatencyMs.count, 400);
  assert.equal(entry?.summary?.publishLatencyMs.count, 400);
});

test('lost messages fail the case, with the count', async (t) => {
  const { result } = await tinyRun(t, scenario('{ dropEvery: 50 }'));
  const [entry] = result.cases;
  assert.equal(entry?.status, 'failed');
  assert.equal(result.status, 'failed');
  assert.equal(entry?.summary?.delivery.lost, 4, '200 messages, every 50th dropped');
  assert.match(entry!.failures[0]!, /measured op 1\/2 .*: 4 lost, 0 corrupt of 200 messages/);
  assert.equal(entry?.trials[0]?.measured?.opSeconds.length, 0, 'the trial stops at the failed operation');
});

test('a delivery failure in the warm-up stops the trial before the measured phase', async (t) => {
  const { result } = await tinyRun(t, scenario('{ dropEvery: 50 }', 1));
  const [entry] = result.cases;
  assert.equal(entry?.status, 'failed');
  assert.match(entry!.failures[0]!, /^warmup op 1\/1/);
  assert.equal(entry?.trials[0]?.measured, undefined);
});

test('corrupted messages fail the case and are not delivered as good', async (t) => {
  const { result } = await tinyRun(t, scenario('{ corruptEvery: 40 }'));
  const [entry] = result.cases;
  assert.equal(entry?.status, 'failed');
  assert.equal(entry?.summary?.delivery.corrupt, 5);
  assert.equal(entry?.summary?.delivery.lost, 5, 'a corrupt copy does not count as a delivery');
});

test('duplicates and reordering are counted but do not fail the case', async (t) => {
  // Every 30th send is duplicated: 13 of the 400, none of them an operation's last message (whose copy would
  // arrive after the operation ended, as in the Go benchmark, which reads exactly N).
  const { result } = await tinyRun(t, scenario('{ duplicateEvery: 30, swapEvery: 20 }'));
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', JSON.stringify(entry?.failures));
  const delivery = entry!.summary!.delivery;
  assert.equal(delivery.duplicated, 13);
  assert.ok(delivery.outOfOrder >= 20, `out of order: ${delivery.outOfOrder}`);
  assert.equal(delivery.lost, 0);
});

test('a failing send errors the case but keeps what was measured', async (t) => {
  const { result } = await tinyRun(t, scenario('{ failSendAt: 350 }', 1));
  const [entry] = result.cases;
  assert.equal(entry?.status, 'errored');
  assert.match(entry!.error!, /measured op 1\/2 .*injected send failure/);
  const trial = entry!.trials[0]!;
  assert.equal(trial.warmup?.opSeconds.length, 1);
  assert.ok((trial.measured?.counters.messagesAcknowledged ?? 0) >= 140, 'the partial measured phase is kept');
  assert.equal(result.status, 'errored');
});
