import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PhaseRecorder } from './recorder.js';

test('readSeconds spans the read-back, first delivery to last, and only when the workload read a backlog after its writes', () => {
  const tailing = new PhaseRecorder(0, () => 10_000);
  tailing.recordPublish(1, 100, 1000);
  tailing.recordDelivery(2, 100, 1002);
  assert.equal(tailing.toRecord().readSeconds, undefined, 'a tailing consumer has no read-back');

  const writeOnly = new PhaseRecorder(0, () => 10_000);
  writeOnly.recordPublish(1, 100, 1000);
  writeOnly.recordPublish(1, 100, 2000);
  writeOnly.beginReadBack();
  writeOnly.recordDelivery(undefined, 100, 2500);
  writeOnly.recordDelivery(undefined, 100, 3000);
  writeOnly.recordDelivery(undefined, 100, 4500);
  const record = writeOnly.toRecord();
  assert.equal(record.writeSeconds, 2);
  assert.equal(record.readSeconds, 2, 'from the first delivery at 2.5 s to the last at 4.5 s');

  const nothingRead = new PhaseRecorder(0, () => 10_000);
  nothingRead.beginReadBack();
  assert.equal(nothingRead.toRecord().readSeconds, undefined);
});
