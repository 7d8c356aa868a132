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

test('a load client whose clock is known more loosely than the tolerance allows is a warning naming it, the bound and the median', () => {
  const clocks = (uncertain: boolean, uncertaintyMs: number) => ({
    tolerance: 0.1,
    e2eMedianMs: 2,
    uncertain,
    clients: [
      { client: 'load client 1 of 2 on ws://10.0.0.5:7400', offsetMs: 0.1, uncertaintyMs: 0.05 },
      { client: 'load client 2 of 2 on ws://10.0.0.6:7400', offsetMs: -31.2, uncertaintyMs },
    ],
  });
  const entry = {
    workload: 'stream',
    trials: [
      { number: 1, status: 'passed', extras: { clocks: clocks(false, 0.1) } },
      { number: 2, status: 'passed', extras: { clocks: clocks(true, 0.8) } },
    ],
  } as unknown as CaseResult;
  assert.deepEqual(caseWarnings(entry), [
    "trial 2: load client 2 of 2 on ws://10.0.0.6:7400's clock is known to ±0.80 ms (offset -31.20 ms), more than 0.1 of the end-to-end median (2.00 ms): its end-to-end figures are uncertain",
  ]);
});
