import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertVerifiedCase } from '../../testing/brokers.js';
import { tinyRun } from '../../testing/tiny-run.js';

test("rocksmq: a closed-loop stream's raw calibration writes the trial's own messages after its warm-up count, once the trial's store has settled", async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: rocksmq-calibration
targets: [{ name: rocksmq, type: rocksmq, settings: { store: rocksdb } }]
workload: { type: stream, mode: closed-loop, inFlight: 32, payloadBytes: 1KiB, messages: 3000, consumer: after }
warmup: { duration: 300ms }
`,
  );
  const [entry] = result.cases;
  const trial = entry!.trials[0]!;
  const warmup = trial.warmup!.counters.messagesAcknowledged;
  assertVerifiedCase(entry, 3000 + warmup, 'shared');
  const reading = trial.toolCeiling!;
  assert.ok(reading, String(entry!.summary?.toolCeilingError));
  assert.equal(reading.messages, 3000, 'the measured count is the trial’s');
  assert.match(reading.command, new RegExp(`${3000 + warmup} messages \\(the first ${warmup} unmeasured\\)`));
  assert.match(String(reading.settings.values), /^the trial's messages/);
  assert.match(String(reading.settings.trialStoreCompactions), /^none left after \d+\.\d s$/);
  assert.equal(reading.readBack?.messages, 3000 + warmup, 'the raw reads read what the raw writes wrote, as the trial read its warm-up and measured messages');
});
