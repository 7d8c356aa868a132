import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CaseResult } from '../results/result-file.js';
import { caseWarnings } from './case-warnings.js';

test('a measurement that stood still for 5 s or more is a warning on its case, naming the trial and the pause', () => {
  const entry = {
    id: 'nats/pubsub/1KiB',
    target: 'nats',
    workload: 'pubsub',
    params: { type: 'pubsub' },
    label: '1KiB×20000 random',
    status: 'passed',
    failures: [],
    summary: null,
    trials: [
      { number: 1, status: 'passed', measured: { longestPause: { seconds: 0.4, from: '2026-11-30T00:00:00.000Z' } } },
      { number: 2, status: 'passed', measured: { longestPause: { seconds: 30.7, from: '2026-11-30T00:01:00.000Z' } } },
    ],
  } as unknown as CaseResult;
  assert.deepEqual(caseWarnings(entry), [
    'trial 2: nothing was acknowledged or delivered for 30.7 s from 2026-11-30T00:01:00.000Z (a paused or stalled broker, or client); its figures include the pause',
  ]);
});
