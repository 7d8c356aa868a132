import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { test, type TestContext } from 'node:test';
import { readResultFile } from '../results/io.js';
import { runCli, type CliOutcome } from '../testing/cli.js';
import { findJemalloc } from '../util/allocator.js';
import { tempDir } from '../testing/temp-dir.js';
import { TINY_SCENARIO } from '../testing/tiny-run.js';

const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, `stack trace in:\n${text}`);

test('run writes result.json and report.html, prints the table, exits 0; report regenerates the HTML', async (t) => {
  const dir = await tempDir(t);
  const scenario = join(dir, 'tiny.yaml');
  await writeFile(scenario, TINY_SCENARIO);
  const out = join(dir, 'out');
  const run = await runCli(['run', scenario, '--out', out, '--set', 'workload.operations=1']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /rocksmq-sync\*\s+1KiB×300 random\s+passed/);
  assert.match(run.stdout, /status: passed/);
  const result = await readResultFile(join(out, 'result.json'));
  assert.equal(result.cases.length, 4);
  assert.deepEqual(result.manifest.scenario.overrides, ['--set workload.operations=1']);
  assert.match(result.manifest.command, /^npx mqbench run .*tiny\.yaml --set workload\.operations=1$/);
  assert.ok(existsSync(join(out, 'report.html')));
  // The trials' processes run with jemalloc (npm run setup installs it), and say so from what is mapped into them.
  const jemalloc = findJemalloc();
  assert.ok(jemalloc, 'libjemalloc.so.2 is installed (npm run setup: libjemalloc2)');
  assert.equal(result.manifest.allocator, `jemalloc (${jemalloc}), preloaded into every trial's and load client's process`);
  for (const entry of result.cases) for (const trial of entry.trials) assert.equal(trial.resources?.clientAllocator, 'jemalloc', entry.label);

  const regenerated = join(dir, 'again.html');
  const report = await runCli(['report', join(out, 'result.json'), '-o', regenerated]);
  assert.equal(report.code, 0, report.stderr);
  const html = await readFile(regenerated, 'utf8');
  assert.match(html, /mqbench report: tiny/);
});

test('an invalid scenario lists every problem with file and line, exits 2, without a stack trace', async (t) => {
  const dir = await tempDir(t);
  const scenario = join(dir, 'bad.yaml');
  await writeFile(scenario, 'name: bad\ntargets: [rocksmq, kafkaesque]\nworkload:\n  type: pubsub\n  messages: 0\n  payloadBytes: huge\n');
  for (const command of ['validate', 'run']) {
    const outcome = await runCli([command, scenario]);
    assert.equal(outcome.code, 2, `${command}: ${outcome.stderr}`);
    assert.match(outcome.stderr, /invalid input \(3 problems\)/);
    assert.match(outcome.stderr, /bad\.yaml:2:\d+: targets\[1\]: unknown target type "kafkaesque"/);
    assert.match(outcome.stderr, /bad\.yaml:5:\d+: workload\.messages: /);
    assert.match(outcome.stderr, /bad\.yaml:6:\d+: workload\.payloadBytes: "huge" is not a size/);
    noStack(outcome.stderr);
  }
});

test('bad flags, missing files and unknown commands exit 2', async () => {
  const flag = await runCli(['run', 'scenarios/quick.yaml', '--trials', 'zero']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--trials.*must be a whole number/);
  const provider = await runCli(['run', 'scenarios/quick.yaml', '--provider', 'cloud']);
  assert.equal(provider.code, 2);
  const allocator = await runCli(['run', 'scenarios/quick.yaml', '--allocator', 'tcmalloc']);
  assert.equal(allocator.code, 2);
  assert.match(allocator.stderr, /--allocator.*tcmalloc/);
  const allocatorVariable = await runCli(['run', 'scenarios/quick.yaml'], { env: { MQBENCH_ALLOCATOR: 'fast' } });
  assert.equal(allocatorVariable.code, 2);
  assert.match(allocatorVariable.stderr, /MQBENCH_ALLOCATOR=fast: use one of auto, jemalloc, system/);
  noStack(allocatorVariable.stderr);
  const missing = await runCli(['validate', 'no-such.yaml']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no-such\.yaml: no such file/);
  const unknown = await runCli(['frobnicate']);
  assert.equal(unknown.code, 2);
  const badResult = await runCli(['report', 'package.json']);
  assert.equal(badResult.code, 2);
  assert.match(badResult.stderr, /package\.json: schemaVersion: /);
  noStack(badResult.stderr);
});

test('schema prints a JSON Schema; targets lists rocksmq as available', async () => {
  const schema = await runCli(['schema']);
  assert.equal(schema.code, 0);
  const parsed = JSON.parse(schema.stdout) as { $schema: string; properties: Record<string, unknown>; required: string[] };
  assert.match(parsed.$schema, /json-schema\.org/);
  assert.deepEqual(parsed.required.sort(), ['name', 'targets', 'workload']);
  assert.ok('matrix' in parsed.properties && 'warmup' in parsed.properties);
  const targets = await runCli(['targets']);
  assert.equal(targets.code, 0);
  assert.match(targets.stdout, /rocksmq\s+embedded\s+yes/);
});

/** Runs a long scenario (3 trials of 30 operations) and calls `interrupt` once, when its first trial has passed. */
async function interruptedRun(t: TestContext, interrupt: (child: ChildProcess) => void): Promise<{ outcome: CliOutcome; out: string; interrupted: boolean }> {
  const dir = await tempDir(t);
  const scenario = join(dir, 'long.yaml');
  await writeFile(scenario, 'name: long\ntargets: [rocksmq]\ntrials: 3\nworkload: { type: pubsub, operations: 30, messages: 300 }\n');
  const out = join(dir, 'out');
  let interrupted = false;
  const outcome = await runCli(['run', scenario, '--out', out], {
    onStderr: (text, child) => {
      if (!interrupted && /trial 1 passed/.test(text)) {
        interrupted = true;
        interrupt(child);
      }
    },
  });
  return { outcome, out, interrupted };
}

test('Ctrl-C stops a run: exit 130, result.json marked incomplete with what was measured, nothing left running', async (t) => {
  const { outcome, out } = await interruptedRun(t, (child) => child.kill('SIGINT'));
  assert.equal(outcome.code, 130, outcome.stderr);
  const result = await readResultFile(join(out, 'result.json'));
  assert.equal(result.status, 'incomplete');
  assert.equal(result.cases[0]?.trials[0]?.status, 'passed', 'the finished trial is kept');
  assert.ok((result.cases[0]?.trials.length ?? 0) < 3);
  assert.ok(existsSync(join(out, 'report.html')));
  assert.equal(existsSync(join(out, 'work')), false);
  assert.match(outcome.stdout, /status: incomplete \(interrupted \(SIGINT\)\)/);
});

test('a run whose output nobody reads any more (`mqbench run … 2>&1 | tail`, tail killed) still stops on SIGTERM and writes its result', { timeout: 120_000 }, async (t) => {
  const { outcome, out, interrupted: sent } = await interruptedRun(t, (child) => {
    // The reader goes away: every later write to stdout or stderr fails with EPIPE.
    child.stdout!.destroy();
    child.stderr!.destroy();
    child.kill('SIGTERM');
  });
  assert.ok(sent, 'the first trial passed before the reader went away');
  assert.ok(outcome.code === 130 || outcome.code === 0, `exit ${outcome.code} ${outcome.signal ?? ''}`);
  const result = await readResultFile(join(out, 'result.json'));
  assert.equal(result.status, 'incomplete');
  assert.equal(existsSync(join(out, 'work')), false, 'its work directory is removed');
});

test('a crash inside a trial\'s worker process errors that trial, keeps what it measured, and the run goes on', async (t) => {
  const dir = await tempDir(t);
  const scenario = join(dir, 'crash.yaml');
  await writeFile(
    scenario,
    'name: crash\ntargets:\n  - { name: f, type: fake, settings: { crashAt: 450 } }\n  - { name: g, type: fake }\nworkload: { type: pubsub, operations: 5, messages: 200 }\nwarmup: { operations: 0 }\n',
  );
  const out = join(dir, 'out');
  const outcome = await runCli(['run', scenario, '--out', out], { env: { MQBENCH_PLUGINS: 'src/testing/fake-plugin.ts' } });
  assert.equal(outcome.code, 1, outcome.stderr);
  const result = await readResultFile(join(out, 'result.json'));
  assert.equal(result.status, 'errored');
  const [crashed, healthy] = result.cases;
  assert.equal(crashed?.status, 'errored');
  assert.match(crashed!.error!, /the worker process crashed: injected crash/);
  assert.equal(crashed?.summary?.opSeconds?.count, 2, 'the two operations before the crash are kept');
  assert.equal(healthy?.status, 'passed', 'the next target still ran');
  assert.ok(existsSync(join(out, 'report.html')));
  noStack(outcome.stderr);
});

test('invalid input from the environment, a YAML alias bomb, flags and output paths exits 2, naming the variable, file or flag', async (t) => {
  const dir = await tempDir(t);
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`)].join('\n');
  await writeFile(join(dir, 'bomb.yaml'), `${bomb}\nname: bomb\n`);
  const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['validate', 'scenarios/quick.yaml'], { MQBENCH_TRIALS: '[' }, /^MQBENCH_TRIALS: value is not valid YAML/m],
    [['validate', join(dir, 'bomb.yaml')], {}, /bomb\.yaml: cannot be read: .*YAML aliases expand to too much data/],
    [['noise', 'package.json', '--alpha', 'abc'], {}, /--alpha.*must be a number between 0 and 1/],
    [['noise', 'package.json', '--alpha', '5'], {}, /--alpha.*must be a number between 0 and 1/],
    [['validate', 'scenarios/quick.yaml', '--set', 'workload.messages=['], {}, /^--set workload\.messages=\[: workload\.messages: value is not valid YAML/m],
    [['validate', 'scenarios/quick.yaml', '--targets', 'rocksmq,rocksmq'], {}, /^--targets: "rocksmq" is named more than once/m],
    [['run', 'scenarios/quick.yaml', '--out', join(dir, 'bomb.yaml', 'out')], {}, /^--out: .*bomb\.yaml exists and is not a directory/m],
  ];
  for (const [args, env, reason] of cases) {
    const outcome = await runCli(args, { env });
    assert.equal(outcome.code, 2, `${args.join(' ')}: ${outcome.stderr}`);
    assert.match(outcome.stderr, reason, args.join(' '));
    noStack(outcome.stderr);
  }
});
