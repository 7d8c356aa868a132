import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tinyRun } from '../testing/tiny-run.js';
import { InputError } from '../util/errors.js';
import { readResultFile } from './io.js';

test('a result whose encoded histogram is corrupt is invalid input naming the field (report and compare read alike)', async (t) => {
  const { outDir } = await tinyRun(t, `
name: tiny
targets: [rocksmq]
workload: { type: pubsub, operations: 1, messages: 20 }
warmup: { operations: 0 }
`);
  const path = join(outDir, 'result.json');
  await readResultFile(path);
  const result = JSON.parse(await readFile(path, 'utf8'));
  result.cases[0].trials[0].measured.histograms.e2eLatencyUs = 'HISTFAAAgarbage!!';
  const corrupt = join(outDir, 'corrupt.json');
  await writeFile(corrupt, JSON.stringify(result));
  await assert.rejects(readResultFile(corrupt), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.message, `${corrupt}: cases[0].trials[0].measured.histograms.e2eLatencyUs: not a valid encoded HDR histogram (the file was altered or cut)`);
    return true;
  });
});
