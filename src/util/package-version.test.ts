import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { mqbenchVersion, packageVersion } from './package-version.js';

test('versions come from package.json files: mqbench its own, dependencies theirs, missing ones "unknown"', () => {
  const own = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  assert.equal(mqbenchVersion(), own.version);
  const zod = JSON.parse(readFileSync('node_modules/zod/package.json', 'utf8')) as { version: string };
  assert.equal(packageVersion('zod'), zod.version);
  assert.equal(packageVersion('no-such-package-mqbench'), 'unknown');
});
