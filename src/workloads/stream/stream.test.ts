import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fakeScratchDeliveries, useFakeTarget } from '../../testing/fake-target.js';
import { tinyRun } from '../../testing/tiny-run.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

const scenario = (workload: string, settings = '{}') => `
name: stream
targets: [{ name: f, type: fake, settings: ${settings} }]
workload: { type: stream, payloadBytes: 1KiB, timeout: 2s, ${workload} }
warmup: { duration: 100ms }
sampling: { interval: 50ms }
`;

test('closed-loop sends exactly the measured messages with the requested sends in flight, warm-up excluded', async (t) => {
  const { result } = await tinyRun(t, scenario('mode: closed-loop, inFlight: 8, producers: 2, messages: 500', '{ sendDelayMs: 1 }'));
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error);
  const trial = entry!.trials[0]!;
  assert.equal(trial.measured?.counters.messagesDelivered, 500);
  assert.ok((trial.warmup?.counters.messagesDelivered ?? 0) > 0, 'warm-up messages were sent and kept apart');
  assert.equal(entry?.summary?.e2eLatencyMs.count, 500);
  assert.equal(entry?.summary?.delivery.lost, 0);
  const { delivery, warmupDelivery } = entry!.summary!;
  assert.deepEqual([delivery.published, delivery.acknowledged, delivery.delivered, delivery.lost], [500, 500, 500, 0], 'the measured messages, as the latency counts');
  assert.ok(warmupDelivery!.delivered > 0 && warmupDelivery!.acknowledged === warmupDelivery!.delivered, `the warm-up's check apart: ${JSON.stringify(warmupDelivery)}`);
  assert.equal(entry?.label, '1KiB 8 in flight ×2 producers random');
});

test('open-loop sends at the rate, records send delay and late sends, and measures from the intended time', async (t) => {
  const { result } = await tinyRun(t, scenario('mode: open-loop, rate: 2000, duration: 500ms'));
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error);
  const delivered = entry!.trials[0]!.measured!.counters.messagesDelivered;
  assert.ok(delivered >= 900 && delivered <= 1100, `about 1000 messages in 0.5 s at 2000/s, got ${delivered}`);
  assert.ok(entry!.summary!.sendDelayMs.count > 0);
  assert.equal(typeof entry!.summary!.lateSends, 'number');
});

test('a stream on a broker that loses messages fails with the count; a missing rate is invalid input', async (t) => {
  const { result } = await tinyRun(t, scenario('mode: closed-loop, inFlight: 4, messages: 300', '{ dropEvery: 100 }'));
  assert.equal(result.cases[0]?.status, 'failed');
  assert.match(result.cases[0]!.failures[0]!, /\d+ lost, 0 corrupt/);
  const lost = Number(/(\d+) lost/.exec(result.cases[0]!.failures[0]!)![1]);
  const summary = result.cases[0]!.summary!;
  assert.ok(lost > 0 && summary.delivery.lost + summary.warmupDelivery!.lost === lost, 'the lost count is in the summary (measured and warm-up apart), not only in the failure');
  await assert.rejects(tinyRun(t, scenario('mode: open-loop, duration: 1s')), /workload\.rate: open-loop needs a rate/);
});

test('consumer: after reads everything back once the writes are acknowledged: verified, but no end-to-end latency', async (t) => {
  const scratchBefore = fakeScratchDeliveries();
  const { result } = await tinyRun(t, scenario('mode: closed-loop, inFlight: 4, messages: 300, consumer: after', '{ sendDelayMs: 1 }'));
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error);
  const warmup = entry!.summary!.warmupDelivery!;
  const delivered = entry!.summary!.delivery.delivered + warmup.delivered;
  // Before the measured writes, the warm-up's messages are read once more, by a group of its own (the read path warmed).
  const warmRead = fakeScratchDeliveries() - scratchBefore - delivered;
  assert.ok(warmup.acknowledged > 0 && warmRead >= warmup.acknowledged && warmRead <= warmup.acknowledged + 4, `warm-up read ${warmRead} of ${warmup.acknowledged}`);
  assert.equal(entry!.trials[0]!.warmup!.readBack?.messages, warmRead, "the warm-up phase records that read as its readBack");
  const measured = entry!.trials[0]!.measured!;
  assert.equal(measured.counters.messagesDelivered, 300);
  assert.equal(entry!.summary!.e2eLatencyMs.count, 0, 'a read-back is not an end-to-end latency');
  assert.equal(entry!.summary!.publishLatencyMs.count, 300);
  assert.equal(entry!.summary!.delivery.lost, 0);
  assert.ok(entry!.summary!.throughput.writeMegabytesPerSec! > 0);
});

test('a trial that ends early records no phantom loss: interrupted, its undelivered messages are "not delivered"; errored, its delivery agrees with its counters', async (t) => {
  const controller = new AbortController();
  // Sends take about 1 s, each delivered 600 ms after it was sent: interrupted at the first measured delivery, when
  // about 60 sends are acknowledged and 1 delivered.
  const interrupted = await tinyRun(t, scenario('mode: closed-loop, inFlight: 4, messages: 400', '{ sendDelayMs: 10, deliveryDelayMs: 600 }'), {
    signal: controller.signal,
    onEvent(event) {
      if (event.type === 'trial-progress' && event.progress.phase === 'measured') controller.abort('test');
    },
  });
  const early = interrupted.result.cases[0]!.trials[0]!;
  assert.equal(early.status, 'incomplete');
  const delivery = early.measured!.delivery!;
  assert.equal(delivery.lost, 0, `nothing is called lost: ${JSON.stringify(delivery)}`);
  assert.ok((delivery.notDelivered ?? 0) > 0, `in flight when the trial stopped: ${JSON.stringify(delivery)}`);
  assert.equal(delivery.delivered + delivery.notDelivered!, delivery.acknowledged);

  // About 80 warm-up sends (4 in flight, 5 ms each, 100 ms), then the 300th send fails inside the measurement.
  const errored = await tinyRun(t, scenario('mode: closed-loop, inFlight: 4, messages: 400', '{ sendDelayMs: 5, failSendAt: 300 }'));
  const trial = errored.result.cases[0]!.trials[0]!;
  assert.equal(trial.status, 'errored');
  const counted = trial.measured!;
  assert.ok(counted.counters.messagesAcknowledged > 0);
  assert.equal(counted.delivery!.acknowledged, counted.counters.messagesAcknowledged, `delivery agrees with the counters: ${JSON.stringify(counted.delivery)}`);
  assert.equal(counted.delivery!.lost, 0);
});
