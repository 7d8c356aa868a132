import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../testing/cli.js';
import { historyAddCommand } from './history-commands.js';
import { useFakeTarget } from '../testing/fake-target.js';
import { tempDir } from '../testing/temp-dir.js';
import { tinyRun } from '../testing/tiny-run.js';

let unregister: () => void;
before(() => (unregister = useFakeTarget()));
after(() => unregister());

const SCENARIO = `
name: history-fake
targets: [{ name: fake, type: fake }]
workload: { type: pubsub, operations: 2, payloadBytes: 256, messages: 40 }
warmup: { operations: 0 }
trials: 2
`;

test('history end to end: 14 real runs, the later half slowed outside the configuration; add, changes (exit 3 on the recent slowdown), report', async (t) => {
  const dir = await tempDir(t);
  const store = join(dir, 'store');
  const results: string[] = [];
  // The first runs in a process are slower (the JIT warming up: a real change of level, which the search finds): not kept.
  for (let warm = 0; warm < 3; warm++) await tinyRun(t, SCENARIO);
  for (let index = 0; index < 14; index++) {
    // From the 10th run on, every send takes 1 ms longer (as a slower commit would); the configuration is unchanged.
    process.env.MQBENCH_FAKE_SLOWDOWN_MS = index >= 9 ? '1' : '0';
    const { outDir } = await tinyRun(t, SCENARIO);
    results.push(join(outDir, 'result.json'));
  }
  delete process.env.MQBENCH_FAKE_SLOWDOWN_MS;
  // Each result is added as its own commit, an hour apart: all but the last in this process, the last through the CLI.
  const options = (index: number) => ({ store, sha: `${index}`.padStart(7, 'c'), ref: 'main', at: new Date(Date.UTC(2026, 11, 1, index)).toISOString(), machine: 'ci-runner' });
  for (const [index, file] of results.slice(0, -1).entries()) assert.equal(await historyAddCommand([file], options(index)), 0);
  const last = options(13);
  const added = await runCli(['history', 'add', results[13]!, '--store', store, '--sha', last.sha, '--ref', 'main', '--at', last.at, '--machine', 'ci-runner']);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /^added: .*result\.json → .*\.json \(ci-runner, history-fake@[0-9a-f]{8}, ccccc13, 1 cases\)/);
  const again = await runCli(['history', 'add', results[0]!, '--store', store, '--at', new Date(Date.UTC(2026, 11, 1, 0)).toISOString(), '--sha', 'cccccc0', '--machine', 'ci-runner']);
  assert.match(again.stdout, /^already in the store/);

  // The slowdown multiplies s/op about a hundredfold; a shared machine can move the unslowed runs' level by a third
  // (a real change, found as one), so the gate, like a CI job's, ignores changes below a quadrupling.
  const changes = await runCli(['history', 'changes', '--store', store, '--min-change', '3', '--json', join(dir, 'changes.json'), '--markdown', join(dir, 'summary.md')]);
  assert.equal(changes.code, 3, `${changes.stdout}\n${changes.stderr}`);
  assert.match(changes.stdout, /14 results in .*, 1 series/);
  assert.match(changes.stdout, /s\/op +fake +.*cccccc8\.\.cccccc9 .* worse \(recent\)/);
  assert.match(changes.stdout, /gate: 1 change point for the worse among the last 5 results/);
  const json = JSON.parse(await readFile(join(dir, 'changes.json'), 'utf8')) as Array<{ metric: string; firstAfter: { sha: string }; change: number; pValue: number }>;
  assert.equal(json.length, 1, changes.stdout);
  assert.equal(json[0]!.metric, 'opSeconds.mean');
  assert.equal(json[0]!.firstAfter.sha, 'cccccc9');
  assert.ok(json[0]!.change > 0.5 && json[0]!.pValue <= 0.05, JSON.stringify(json[0]));
  const markdown = await readFile(join(dir, 'summary.md'), 'utf8');
  assert.match(markdown, /\*\*1 change point for the worse among the last 5 results\.\*\*/);
  assert.match(markdown, /\| s\/op \| fake \| .* \| `cccccc8`\.\.`cccccc9` \| .* \| worse \(recent\) \|/);
  // Looking only at the unchanged first nine: nothing, exit 0.
  const quiet = await runCli(['history', 'changes', '--store', store, '--since', '2026-12-01T00:00:00Z', '--metric', 'opSeconds.mean', '--recent', '2', '--machine', 'ci-runner', '--scenario', 'history-fake', '--targets', 'fake', '--alpha', '0.02', '--min-change', '3', '--across-configs']);
  assert.equal(quiet.code, 0, quiet.stdout);
  assert.match(quiet.stdout, /worse\n/, 'the change is still listed, not recent under --recent 2');

  const page = await runCli(['history', 'report', '--store', store, '--metric', 'all', '-o', join(dir, 'trends.html')]);
  assert.equal(page.code, 0, page.stderr);
  assert.match(await readFile(join(dir, 'trends.html'), 'utf8'), /14 results in/);
});

test('history: bad input is exit 2 naming what is wrong', async (t) => {
  const dir = await tempDir(t);
  const missing = await runCli(['history', 'changes', '--store', join(dir, 'none')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--store: the history store .* does not exist/);
  const metric = await runCli(['history', 'changes', '--store', dir, '--metric', 'speed']);
  assert.equal(metric.code, 2);
  assert.match(metric.stderr, /--metric: unknown metric "speed"/);
  const at = await runCli(['history', 'add', join(dir, 'r.json'), '--at', 'yesterday']);
  assert.equal(at.code, 2);
  assert.match(at.stderr, /--at: "yesterday" is not a time/);
  const result = await runCli(['history', 'add', join(dir, 'r.json'), '--store', dir]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /r\.json: cannot read: ENOENT/);
  assert.doesNotMatch(`${missing.stderr}${metric.stderr}${at.stderr}${result.stderr}`, /\n\s+at /, 'no stack trace');
});
