import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderHtmlReport } from '../report/html.js';
import { readResultFile } from './io.js';

test('the result files kept with the dated measurements (docs/measurements) still read and render', async () => {
  const root = 'docs/measurements';
  const files = (await readdir(root, { recursive: true })).filter((name) => name.endsWith('.result.json'));
  assert.ok(files.length >= 3, files.join(', '));
  for (const file of files) {
    const result = await readResultFile(join(root, file));
    assert.ok(result.cases.length > 0, file);
    assert.match(renderHtmlReport([result]), /<html/);
  }
});
