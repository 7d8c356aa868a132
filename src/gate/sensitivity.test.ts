import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectionPower, smallestDetectable } from './sensitivity.js';

test('steady metrics allow small thresholds; noisy ones only large ones', () => {
  const steady = [100, 101, 99, 100.5, 99.5, 100.2, 99.8];
  const noisy = [100, 140, 70, 120, 85, 150, 60];
  const lower = { better: 'lower' as const };
  const steadyShift = smallestDetectable(steady, lower, 6, 0.05)!;
  const noisyShift = smallestDetectable(noisy, lower, 6, 0.05);
  assert.ok(steadyShift <= 5, `steady: ${steadyShift}%`);
  assert.ok(noisyShift === undefined || noisyShift > 4 * steadyShift, `noisy: ${noisyShift}%`);
  assert.ok(detectionPower(steady, lower, 0, 6, 0.05) < 0.1, 'no shift, (almost) no detection');
});

test('three trials per side can never reach p < 0.05 (the smallest exact p is 0.1)', () => {
  assert.equal(smallestDetectable([1, 2, 3], { better: 'higher' }, 3, 0.05), undefined);
});
