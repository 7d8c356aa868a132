import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeEncoded } from './histogram.js';
import { PhaseRecorder } from './recorder.js';

test('a read-back is timed from opening the consumer to the last delivery and counts every message it delivered; a tailing consumer has none', () => {
  const tailing = new PhaseRecorder(0, () => 10_000);
  tailing.recordPublish(1, 100, 1000);
  tailing.recordDelivery(2, 100, 1002);
  tailing.recordReadBack(100, 1002);
  assert.equal(tailing.toRecord().readBack, undefined, 'a tailing consumer has no read-back');

  const writeOnly = new PhaseRecorder(0, () => 10_000);
  writeOnly.recordPublish(1, 100, 1000);
  writeOnly.recordPublish(1, 100, 2000);
  writeOnly.beginReadBack(2000);
  // A warm-up message (not a measured delivery), then the two measured ones, all in one batch at 4.5 s.
  writeOnly.recordReadBack(100, 4500);
  for (let index = 0; index < 2; index += 1) {
    writeOnly.recordDelivery(undefined, 100, 4500);
    writeOnly.recordReadBack(100, 4500);
  }
  const record = writeOnly.toRecord();
  assert.equal(record.writeSeconds, 2);
  assert.deepEqual(record.readBack, { seconds: 2.5, messages: 3, bytes: 300, firstMessageSeconds: 2.5 }, 'from the open at 2.0 s, not from the first (batched) delivery');
  assert.equal(record.counters.messagesDelivered, 2);

  const nothingRead = new PhaseRecorder(0, () => 10_000);
  nothingRead.beginReadBack(0);
  assert.equal(nothingRead.toRecord().readBack, undefined);
});

test("a load client's write record merges into the trial's phase: latencies, counts, the last acknowledgement and the series", () => {
  const trial = new PhaseRecorder(0, () => 10_000, 1000);
  trial.recordPublish(1, 100, 500);
  const client = new PhaseRecorder(0, () => 10_000, 1000);
  client.recordPublish(3, 100, 1500);
  client.recordPublish(5, 100, 2500);
  client.recordSendDelay(2, true);
  trial.absorbWrites(client.toRecord());
  const record = trial.toRecord();
  assert.deepEqual(record.counters, { messagesAcknowledged: 3, bytesAcknowledged: 300, messagesDelivered: 0, bytesDelivered: 0, lateSends: 1 });
  assert.equal(record.writeSeconds, 2.5, "the client's last acknowledgement ends the writes");
  assert.deepEqual(record.series.acknowledgedMessages, [1, 1, 1]);
  assert.equal(mergeEncoded([record.histograms.publishLatencyUs]).totalCount, 3);
});

test('the longest pause: the longest time with nothing acknowledged or delivered, from the phase start', () => {
  let now = 1_000_000;
  const recorder = new PhaseRecorder(now, () => now);
  recorder.recordPublish(1, 10, now + 100);
  recorder.recordDelivery(2, 10, now + 150);
  recorder.recordPublish(30_700, 10, now + 30_850);
  recorder.recordDelivery(1, 10, now + 30_900);
  now += 31_000;
  const record = recorder.toRecord();
  assert.deepEqual(record.longestPause, { seconds: 30.7, from: new Date(1_000_150).toISOString() });
  const idle = new PhaseRecorder(now, () => now);
  assert.equal(idle.toRecord().longestPause, undefined, 'no activity: no pause to report');
});

test('the longest pause of a read-back: from opening the consumer to its first delivery, the warm-up\'s messages read first counting as deliveries', () => {
  const recorder = new PhaseRecorder(0, () => 20_000);
  recorder.recordPublish(1, 10, 1_000);
  // The workload opened its consumer 2 s after the last write, which waited 1.5 s for its first message.
  recorder.beginReadBack(3_000);
  // The warm-up's messages come first (read back, not measured deliveries), one a second for 5 s.
  for (let atMs = 4_500; atMs <= 9_500; atMs += 1_000) recorder.recordReadBack(10, atMs);
  recorder.recordReadBack(10, 10_000);
  recorder.recordDelivery(undefined, 10, 10_000);
  const record = recorder.toRecord();
  assert.deepEqual(record.longestPause, { seconds: 1.5, from: new Date(3_000).toISOString() });
  assert.deepEqual(record.readBack, { seconds: 7, messages: 7, bytes: 70, firstMessageSeconds: 1.5 });
});

test('histograms merged from three load clients equal the histogram of the same samples recorded in one place', () => {
  const inOnePlace = new PhaseRecorder(0, () => 60_000, 1000);
  const trial = new PhaseRecorder(0, () => 60_000, 1000);
  const clients = [0, 1, 2].map(() => new PhaseRecorder(0, () => 60_000, 1000));
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let index = 0; index < 30_000; index++) {
    // Latencies from 20 µs to about 20 s, log-spread, so every bucket range of the histogram is exercised.
    const latencyMs = 0.02 * Math.exp(next() * Math.log(1e6));
    const atMs = next() * 59_000;
    inOnePlace.recordPublish(latencyMs, 1024, atMs);
    clients[index % 3]!.recordPublish(latencyMs, 1024, atMs);
  }
  for (const client of clients) trial.absorbWrites(client.toRecord());
  const [merged, reference] = [trial.toRecord(), inOnePlace.toRecord()];
  const decodedMerged = mergeEncoded([merged.histograms.publishLatencyUs]);
  const decodedReference = mergeEncoded([reference.histograms.publishLatencyUs]);
  assert.equal(decodedMerged.totalCount, 30_000);
  for (const percentile of [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100]) {
    assert.equal(decodedMerged.getValueAtPercentile(percentile), decodedReference.getValueAtPercentile(percentile), `p${percentile}`);
  }
  assert.equal(decodedMerged.mean, decodedReference.mean);
  assert.deepEqual(merged.series.acknowledgedMessages, reference.series.acknowledgedMessages);
  assert.deepEqual(merged.counters, reference.counters);
  assert.equal(merged.writeSeconds, reference.writeSeconds);
});

test("a load client's record started in its own clock ends the writes relative to the phase's start, not to its clock", () => {
  const trial = new PhaseRecorder(1_000_000, () => 1_010_000, 1000);
  // The client's clock is two seconds ahead: it was told the phase started at 1,002,000 by its clock.
  const client = new PhaseRecorder(1_002_000, () => 1_012_000, 1000);
  client.recordPublish(1, 100, 1_002_000 + 3_000);
  trial.absorbWrites(client.toRecord());
  assert.equal(trial.toRecord().writeSeconds, 3);
});
