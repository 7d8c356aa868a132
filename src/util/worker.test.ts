import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutLoaderFlags } from './worker.js';

test('withoutLoaderFlags drops loader flags together with their arguments', () => {
  assert.deepEqual(withoutLoaderFlags(['--import', 'file:///x/tsx/esm.mjs', '--max-old-space-size=4096', '--loader=foo', '-r', 'bar', '--enable-source-maps']), ['--max-old-space-size=4096', '--enable-source-maps']);
});
