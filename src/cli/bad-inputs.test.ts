/**
 * The bad-input corpus: well over a hundred malformed scenarios, flags, environment values, gate files and result
 * files, each run through the real command line (in this process, for speed). Every one must end with exit 2 within
 * seconds, name the file, flag or variable at fault, and print no stack trace.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../testing/temp-dir.js';
import { tinyRun } from '../testing/tiny-run.js';
import { main } from './main.js';

interface BadInput {
  /** mqbench's arguments; {dir} stands for the test's directory. */
  args: string[];
  env?: Record<string, string>;
  /** What stderr must name: the file, flag or variable at fault (a regular expression). */
  names: RegExp;
}

const scenario = (body: string) => `name: bad\ntargets: [rocksmq]\nworkload: { type: pubsub, messages: 10 }\n${body}`;

/** Scenario files: name → text. Each is validated and must name its own file. */
const SCENARIOS: Record<string, string> = {
  'yaml-syntax': 'name: [unclosed\n',
  'tab-indent': 'name: t\n\ttargets: [rocksmq]\n',
  'empty': '',
  'only-comment': '# nothing\n',
  'root-list': '- a\n- b\n',
  'root-string': 'just a string\n',
  'no-name': 'targets: [rocksmq]\nworkload: { type: pubsub, messages: 10 }\n',
  'bad-name': 'name: "has space"\ntargets: [rocksmq]\nworkload: { type: pubsub, messages: 10 }\n',
  'no-targets': 'name: t\nworkload: { type: pubsub, messages: 10 }\n',
  'empty-targets': 'name: t\ntargets: []\nworkload: { type: pubsub, messages: 10 }\n',
  'unknown-target-type': 'name: t\ntargets: [kafkaesque]\nworkload: { type: pubsub, messages: 10 }\n',
  'target-twice': 'name: t\ntargets: [rocksmq, rocksmq]\nworkload: { type: pubsub, messages: 10 }\n',
  'target-number': 'name: t\ntargets: [42]\nworkload: { type: pubsub, messages: 10 }\n',
  'target-unknown-setting': 'name: t\ntargets: [{ name: r, type: rocksmq, settings: { turbo: true } }]\nworkload: { type: pubsub, messages: 10 }\n',
  'rocksmq-rocksdb-uncompressed': 'name: t\ntargets: [{ name: r, type: rocksmq, settings: { store: rocksdb, compression: false } }]\nworkload: { type: pubsub, messages: 10 }\n',
  'nats-bad-setting': 'name: t\ntargets: [{ name: n, type: nats, settings: { maxPayload: lots } }]\nworkload: { type: pubsub, messages: 10 }\n',
  'kafka-bad-heap': 'name: t\ntargets: [{ name: k, type: kafka, settings: { heap: big } }]\nworkload: { type: pubsub, messages: 10 }\n',
  'kafka-bad-sasl': 'name: t\ntargets: [{ name: k, type: kafka, settings: { external: { brokers: "h:1", sasl: { mechanism: kerberos } } } }]\nworkload: { type: pubsub, messages: 10 }\n',
  'pulsar-bad-client': 'name: t\ntargets: [{ name: p, type: pulsar, settings: { client: telepathy } }]\nworkload: { type: pubsub, messages: 10 }\n',
  'pulsar-bad-url': 'name: t\ntargets: [{ name: p, type: pulsar, settings: { external: { webServiceUrl: "not a url" } } }]\nworkload: { type: pubsub, messages: 10 }\n',
  'wal-bad-backend': 'name: t\ntargets: [{ name: w, type: wal, settings: { backend: floppy } }]\nworkload: { type: pubsub, messages: 10 }\n',
  'milvus-natsmq-26': 'name: t\ntargets: [{ name: m, type: milvus, settings: { mqType: natsmq, version: "2.6" } }]\nworkload: { type: vector, vectors: 1000 }\n',
  'bad-provider': 'name: t\nprovider: cloud\ntargets: [rocksmq]\nworkload: { type: pubsub, messages: 10 }\n',
  'no-workload': 'name: t\ntargets: [rocksmq]\n',
  'unknown-workload': 'name: t\ntargets: [rocksmq]\nworkload: { type: teleport }\n',
  'workload-list': 'name: t\ntargets: [rocksmq]\nworkload: [pubsub]\n',
  'messages-zero': scenario('').replace('messages: 10', 'messages: 0'),
  'messages-negative': scenario('').replace('messages: 10', 'messages: -5'),
  'messages-fraction': scenario('').replace('messages: 10', 'messages: 1.5'),
  'messages-string': scenario('').replace('messages: 10', 'messages: many'),
  'messages-huge': scenario('').replace('messages: 10', 'messages: 1000000000000'),
  'operations-zero': scenario('').replace('messages: 10', 'messages: 10, operations: 0'),
  'payload-word': scenario('').replace('messages: 10', 'messages: 10, payloadBytes: huge'),
  'payload-small': scenario('').replace('messages: 10', 'messages: 10, payloadBytes: 8'),
  'payload-5GiB': scenario('').replace('messages: 10', 'messages: 10, payloadBytes: 5GiB'),
  'payload-negative': scenario('').replace('messages: 10', 'messages: 10, payloadBytes: -1KiB'),
  'payload-unit': scenario('').replace('messages: 10', 'messages: 10, payloadBytes: 1XB'),
  'payload-generator': scenario('').replace('messages: 10', 'messages: 10, payload: zeros'),
  'timeout-zero': scenario('').replace('messages: 10', 'messages: 10, timeout: 0'),
  'timeout-word': scenario('').replace('messages: 10', 'messages: 10, timeout: soon'),
  'timeout-days': scenario('').replace('messages: 10', 'messages: 10, timeout: 30d'),
  'timeout-overflow': scenario('').replace('messages: 10', 'messages: 10, timeout: 999999999999'),
  'workload-unknown-field': scenario('').replace('messages: 10', 'messages: 10, speed: fast'),
  'stream-open-no-rate': 'name: t\ntargets: [rocksmq]\nworkload: { type: stream, mode: open-loop, duration: 1s }\n',
  'stream-no-length': 'name: t\ntargets: [rocksmq]\nworkload: { type: stream, mode: closed-loop }\n',
  'stream-inflight-zero': 'name: t\ntargets: [rocksmq]\nworkload: { type: stream, mode: closed-loop, inFlight: 0, messages: 10 }\n',
  'ticks-interval-zero': 'name: t\ntargets: [rocksmq]\nworkload: { type: ticks, tickInterval: 0 }\n',
  'vector-dim-word': 'name: t\ntargets: [rocksmq]\nworkload: { type: vector, dim: wide }\n',
  'trials-zero': `trials: 0\n${scenario('')}`,
  'trials-string': `trials: lots\n${scenario('')}`,
  'seed-string': `seed: abc\n${scenario('')}`,
  'warmup-negative': `warmup: { operations: -1 }\n${scenario('')}`,
  'warmup-unknown': `warmup: { laps: 3 }\n${scenario('')}`,
  'sampling-word': `sampling: { interval: often }\n${scenario('')}`,
  'unknown-top-field': `colour: blue\n${scenario('')}`,
  'matrix-list': scenario('matrix: [1, 2]\n'),
  'matrix-axis-scalar': scenario('matrix:\n  axes: { payloadBytes: 1KiB }\n'),
  'matrix-bad-value': scenario('matrix:\n  axes: { payloadBytes: [1KiB, huge] }\n'),
  'matrix-include-bad': scenario('matrix:\n  include:\n    - { payloadBytes: -3 }\n'),
  'matrix-exclude-unknown': scenario('matrix:\n  axes: { payloadBytes: [1KiB, 2KiB] }\n  exclude:\n    - { colour: red }\n'),
  'matrix-all-excluded': scenario('matrix:\n  axes: { payloadBytes: [1KiB] }\n  exclude:\n    - { payloadBytes: 1KiB }\n'),
  'matrix-unknown-key': scenario('matrix:\n  axes: { payloadBytes: [1KiB] }\n  extra: 1\n'),
  'matrix-too-big': scenario(`matrix:\n  axes:\n    messages: [${Array.from({ length: 200 }, (_, index) => index + 1).join(',')}]\n    operations: [${Array.from({ length: 200 }, (_, index) => index + 1).join(',')}]\n`),
  'alias-bomb': `${['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`)].join('\n')}\nname: bomb\n`,
  'duplicate-key': 'name: a\nname: b\ntargets: [rocksmq]\nworkload: { type: pubsub, messages: 10 }\n',
  'binary-garbage': '\u0000\u0001\u0002name: t\n',
};

/** Gate files: name → text, applied by compare to two valid results. */
const GATES: Record<string, string> = {
  'gate-syntax': 'e2eLatencyMs: [unclosed\n',
  'gate-list-root': '- p99 < 5\n',
  'gate-unknown-group': 'latency: ["p99 < 5"]\n',
  'gate-bad-rule': 'e2eLatencyMs: ["p99 is small"]\n',
  'gate-threshold-dots': 'e2eLatencyMs: ["p99 regress < 1.2.3%"]\n',
  'gate-threshold-word': 'e2eLatencyMs: ["p99 < fifty"]\n',
  'gate-options-no-comma': 'e2eLatencyMs: ["p99 regress < 10% (alpha 0.01 minTrials 5)"]\n',
  'gate-alpha-big': 'e2eLatencyMs: ["p99 regress < 10% (alpha 5)"]\n',
  'gate-defaults-number': 'defaults: 5\ne2eLatencyMs: ["p99 < 5"]\n',
  'gate-defaults-unknown': 'defaults: { beta: 1 }\ne2eLatencyMs: ["p99 < 5"]\n',
  'gate-selector-field': '"e2eLatencyMs{targt:rocksmq}": ["p99 < 5"]\n',
  'gate-selector-target': '"e2eLatencyMs{target:rocksmqq}": ["p99 < 5"]\n',
  'gate-selector-workload': '"e2eLatencyMs{workload:strem}": ["p99 < 5"]\n',
  'gate-empty-list': 'e2eLatencyMs: []\n',
  'gate-rule-number': 'e2eLatencyMs: [5]\n',
  'gate-unknown-metric': 'e2eLatencyMs: ["p42 < 5"]\n',
  'gate-delivery-field': 'delivery: ["vanished == 0"]\n',
  'gate-alias-bomb': `${['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`)].join('\n')}\ne2eLatencyMs: ["p99 < 5"]\n`,
};

/** Result files: name → a change to a valid result's JSON text (or a whole text). */
const RESULTS: Record<string, (valid: string) => string> = {
  'result-not-json': () => '{ not json',
  'result-empty': () => '',
  'result-array': () => '[]',
  'result-version': (valid) => valid.replace('"schemaVersion": 1', '"schemaVersion": 99'),
  'result-no-cases': (valid) => JSON.stringify({ ...JSON.parse(valid), cases: undefined }),
  'result-no-manifest': (valid) => JSON.stringify({ ...JSON.parse(valid), manifest: undefined }),
  'result-bad-status': (valid) => JSON.stringify({ ...JSON.parse(valid), status: 'great' }),
  'result-corrupt-histogram': (valid) => {
    const data = JSON.parse(valid);
    data.cases[0].trials[0].measured.histograms.publishLatencyUs = 'HISTFAAAgarbage!!';
    return JSON.stringify(data);
  },
  'result-summary-type': (valid) => {
    const data = JSON.parse(valid);
    data.cases[0].summary.throughput.messagesPerSec = 'fast';
    return JSON.stringify(data);
  },
  'result-truncated': (valid) => valid.slice(0, Math.floor(valid.length / 2)),
};

/** A bad input that has not ended by then is a hang. */
const CASE_LIMIT_MS = 30_000;

async function runMain(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string; seconds: number }> {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  const writeOut = process.stdout.write.bind(process.stdout);
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const hung = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), CASE_LIMIT_MS)));
    const code = await Promise.race([main(['node', 'mqbench', ...args]), hung]);
    return { code, stderr: code === -1 ? `did not end within ${CASE_LIMIT_MS / 1000} s` : stderr, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearTimeout(timer);
    process.stderr.write = write;
    process.stdout.write = writeOut;
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

test('the bad-input corpus: every malformed scenario, flag, variable, gate file and result file exits 2, names its source, without a stack trace, in seconds', async (t) => {
  const dir = await tempDir(t, 'mqbench-bad-inputs-');
  const { outDir } = await tinyRun(t, 'name: good\ntargets: [rocksmq]\nworkload: { type: pubsub, operations: 1, messages: 20 }\nwarmup: { operations: 0 }\n');
  const valid = join(outDir, 'result.json');
  const validText = await readFile(valid, 'utf8');
  await mkdir(join(dir, 'a-directory.yaml'));
  await writeFile(join(dir, 'a-file'), '');

  const cases: BadInput[] = [];
  for (const [name, text] of Object.entries(SCENARIOS)) {
    await writeFile(join(dir, `${name}.yaml`), text);
    cases.push({ args: ['validate', join(dir, `${name}.yaml`)], names: new RegExp(`${name}\\.yaml`) });
  }
  for (const name of ['messages-zero', 'target-twice', 'alias-bomb', 'matrix-too-big']) cases.push({ args: ['run', join(dir, `${name}.yaml`), '--out', join(dir, `out-${name}`)], names: new RegExp(`${name}\\.yaml`) });
  for (const [name, text] of Object.entries(GATES)) {
    await writeFile(join(dir, `${name}.yaml`), text);
    cases.push({ args: ['compare', valid, valid, '--gates', join(dir, `${name}.yaml`)], names: new RegExp(`${name}\\.yaml`) });
  }
  cases.push({ args: ['report', valid, valid, '--gates', join(dir, 'gate-threshold-dots.yaml'), '-o', join(dir, 'r.html')], names: /gate-threshold-dots\.yaml/ });
  for (const [name, change] of Object.entries(RESULTS)) {
    await writeFile(join(dir, `${name}.json`), change(validText));
    const file = join(dir, `${name}.json`);
    const names = new RegExp(`${name}\\.json`);
    cases.push({ args: ['report', file, '-o', join(dir, 'r.html')], names }, { args: ['compare', valid, file], names }, { args: ['export', file, '--format', 'bencher'], names });
    if (name === 'result-corrupt-histogram' || name === 'result-not-json') cases.push({ args: ['noise', file], names }, { args: ['reproduce', file, '--out', join(dir, `re-${name}`)], names });
  }
  const quick = 'scenarios/quick.yaml';
  cases.push(
    { args: ['validate', join(dir, 'no-such.yaml')], names: /no-such\.yaml: no such file/ },
    { args: ['validate', join(dir, 'a-directory.yaml')], names: /a-directory\.yaml/ },
    { args: ['report', join(dir, 'no-such.json')], names: /no-such\.json/ },
    { args: ['run', quick, '--trials', '0'], names: /--trials/ },
    { args: ['run', quick, '--trials', 'abc'], names: /--trials/ },
    { args: ['run', quick, '--trials', '1.5'], names: /--trials/ },
    { args: ['run', quick, '--provider', 'cloud'], names: /--provider/ },
    { args: ['validate', quick, '--targets', 'kafkaa'], names: /--targets/ },
    { args: ['validate', quick, '--targets', 'rocksmq,rocksmq'], names: /--targets/ },
    { args: ['validate', quick, '--set', 'nonsense'], names: /--set nonsense/ },
    { args: ['validate', quick, '--set', 'workload.messages=['], names: /--set workload\.messages=\[/ },
    { args: ['validate', quick, '--set', 'workload.messages=0'], names: /--set workload\.messages=0/ },
    { args: ['validate', quick, '--set', 'workload.payloadBytes=huge'], names: /--set workload\.payloadBytes=huge/ },
    { args: ['validate', quick, '--set', 'workload.timeout=0'], names: /--set workload\.timeout=0/ },
    { args: ['validate', quick, '--set', 'trials=-1'], names: /--set trials=-1/ },
    { args: ['validate', quick, '--set', 'colour=blue'], names: /--set colour=blue/ },
    { args: ['run', quick, '--out', join(dir, 'a-file', 'out')], names: /--out/ },
    { args: ['run', quick, '--out', '/proc/mqbench-out'], names: /--out/ },
    { args: ['noise', valid, '--alpha', 'abc'], names: /--alpha/ },
    { args: ['noise', valid, '--alpha', '5'], names: /--alpha/ },
    { args: ['noise', valid, '--alpha', '0'], names: /--alpha/ },
    { args: ['noise', valid, '--trials', '0'], names: /--trials/ },
    { args: ['export', valid, '--format', 'csv'], names: /--format|csv/ },
    { args: ['compare', valid], names: /candidate|argument/ },
    { args: ['frobnicate'], names: /frobnicate|unknown command/ },
    { args: ['run'], names: /scenario|argument/ },
    { args: ['validate', quick], env: { MQBENCH_TRIALS: '[' }, names: /MQBENCH_TRIALS/ },
    { args: ['validate', quick], env: { MQBENCH_TRIALS: '0' }, names: /MQBENCH_TRIALS/ },
    { args: ['validate', quick], env: { MQBENCH_TRIALS: 'lots' }, names: /MQBENCH_TRIALS/ },
    { args: ['validate', quick], env: { MQBENCH_PROVIDER: 'cloud' }, names: /MQBENCH_PROVIDER/ },
    { args: ['validate', quick], env: { MQBENCH_SEED: 'abc' }, names: /MQBENCH_SEED/ },
  );

  const failures: string[] = [];
  for (const input of cases) {
    const outcome = await runMain(input.args, input.env);
    const what = `mqbench ${input.args.join(' ').replaceAll(dir, '{dir}')}${input.env ? ` (${JSON.stringify(input.env)})` : ''}`;
    if (outcome.code !== 2) failures.push(`${what}: exit ${outcome.code}: ${outcome.stderr.trim().split('\n').slice(0, 2).join(' | ')}`);
    else if (!input.names.test(outcome.stderr)) failures.push(`${what}: does not name ${input.names}: ${outcome.stderr.trim().split('\n').slice(0, 2).join(' | ')}`);
    else if (/^\s+at .+:\d+:\d+\)?$/m.test(outcome.stderr)) failures.push(`${what}: printed a stack trace`);
    else if (outcome.seconds > 20) failures.push(`${what}: took ${outcome.seconds.toFixed(1)} s`);
  }
  assert.ok(cases.length > 100, `${cases.length} cases`);
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} bad inputs were not handled:\n${failures.join('\n')}`);
});
