import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { useFakeTarget } from '../../testing/fake-target.js';
import { tinyRun } from '../../testing/tiny-run.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

test('ticks: every channel gets a tick per interval; lag per channel and the modelled Strong-read wait are recorded', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: ticks
targets: [{ name: f, type: fake, settings: { sendDelayMs: 2 } }]
workload: { type: ticks, channels: 4, tickInterval: 50ms, dataRate: 400, payloadBytes: 1KiB, duration: 1s }
warmup: { duration: 200ms }
`,
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error);
  const ticks = entry!.summary!.ticks!;
  assert.ok(ticks.lagMs.count >= 4 * 18 && ticks.lagMs.count <= 4 * 22, `about 20 ticks per channel in 1 s, got ${ticks.lagMs.count}`);
  assert.deepEqual(Object.keys(ticks.lagByChannelMs), ['ch0', 'ch1', 'ch2', 'ch3']);
  // Without the delay the lag is ~0.1 ms. The scheduler fires sends up to 1 ms before due, so allow down to 1 ms.
  assert.ok(ticks.lagMs.p50 >= 1, `the lag includes the broker's 2 ms send delay: p50 ${ticks.lagMs.p50}`);
  const expected = 25 + ticks.lagMs.p50;
  assert.ok(Math.abs(ticks.strongReadWaitMs.p50 - expected) < 10, `Strong wait p50 ${ticks.strongReadWaitMs.p50} ≈ half an interval + lag (${expected})`);
  assert.ok((entry!.summary!.e2eLatencyMs.count ?? 0) >= 350, 'data messages were delivered and timed');
  assert.equal(entry!.summary!.delivery.lost, 0);
  assert.equal(entry!.label, '4 channels, ticks every 50ms, data 400/s of 1KiB');
});
