import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vectorParamsSchema } from './params.js';
import { estimateVectorRun, refusal } from './estimate.js';

const params = (vectors: number) => vectorParamsSchema.parse({ type: 'vector', vectors });

test('the estimate gives bytes per vector, vectors per GiB and a total', () => {
  const estimate = estimateVectorRun(params(1_000_000));
  assert.ok(estimate.bytesPerVector > 1000 && estimate.bytesPerVector < 1400, String(estimate.bytesPerVector));
  assert.ok(estimate.vectorsPerGiB > 750_000 && estimate.vectorsPerGiB < 1_100_000);
  assert.ok(estimate.queryNodeBytes > 1_000_000 * estimate.bytesPerVector);
  assert.match(estimate.text, /vectors per GiB/);
});

test('100M vectors are refused on a 24 GiB machine; 1M are not', () => {
  const machine = 24 * 1024 ** 3;
  assert.match(refusal(params(100_000_000), machine)!, /needs about 1\d\d(\.\d)?GiB of memory .* more than 80% of this machine's 24GiB/);
  assert.equal(refusal(params(1_000_000), machine), undefined);
});
