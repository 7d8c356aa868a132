import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { runCli } from './testing/cli.js';
import { tempDir } from './testing/temp-dir.js';
import { TOOL_ROOT } from './util/tool-root.js';

test('the package exports its public API by name ("mqbench"), not by deep paths', async () => {
  const api = (await import('mqbench')) as Record<string, unknown>;
  for (const name of ['runScenario', 'loadScenario', 'readResultFile', 'renderHtmlReport', 'registerTarget', 'findTarget', 'targetDefinitions', 'isVectorStore']) {
    assert.equal(typeof api[name], 'function', name);
  }
  assert.equal((api.ExitCode as Record<string, number>).invalidInput, 2);
});

test('a plugin outside the package adds a target through the package name, and the CLI runs it with every message verified', async (t) => {
  // A project that depends on mqbench and zod, as an installed plugin would.
  const project = await tempDir(t, 'mqbench-plugin-');
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'my-plugin', type: 'module', private: true }));
  await mkdir(join(project, 'node_modules'));
  await symlink(TOOL_ROOT, join(project, 'node_modules', 'mqbench'));
  await symlink(join(TOOL_ROOT, 'node_modules', 'zod'), join(project, 'node_modules', 'zod'));
  await copyFile(join(TOOL_ROOT, 'examples', 'memory-target-plugin.ts'), join(project, 'plugin.ts'));
  await writeFile(join(project, 'scenario.yaml'), 'name: plugin\ntargets: [memory]\nworkload: { type: pubsub, operations: 2, payloadBytes: 1KiB, messages: 300 }\n');
  const outcome = await runCli(['run', 'scenario.yaml', '--out', 'out'], { cwd: project, env: { MQBENCH_PLUGINS: join(project, 'plugin.ts') } });
  assert.equal(outcome.code, 0, outcome.stderr);
  const result = JSON.parse(await readFile(join(project, 'out', 'result.json'), 'utf8')) as { cases: Array<{ status: string; summary: { delivery: { delivered: number; lost: number } } }> };
  assert.equal(result.cases[0]!.status, 'passed');
  assert.equal(result.cases[0]!.summary.delivery.delivered, 600);
  assert.equal(result.cases[0]!.summary.delivery.lost, 0);
});

test('the published package holds the sources, scenarios and docs, but no tests and no test helpers (npm pack)', async () => {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: TOOL_ROOT, maxBuffer: 16 * 1024 * 1024 });
  const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);
  assert.deepEqual(files.filter((path) => path.endsWith('.test.ts') || path.startsWith('src/testing/')), []);
  for (const path of ['src/index.ts', 'bin/mqbench.js', 'scenarios/quick.yaml', 'scenario.schema.json', 'examples/memory-target-plugin.ts', 'README.md']) {
    assert.ok(files.includes(path), `${path} is published`);
  }
});
