import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { InputError, type InputIssue } from '../util/errors.js';
import { loadScenario, parseScenario } from './load.js';

function issuesOf(text: string, options: Parameters<typeof parseScenario>[2] = {}): InputIssue[] {
  try {
    parseScenario(text, 'bad.yaml', { env: {}, ...options });
  } catch (error) {
    assert.ok(error instanceof InputError, `expected InputError, got ${String(error)}`);
    return error.issues;
  }
  assert.fail('expected the scenario to be rejected');
}

const minimal = `
name: t
targets: [rocksmq]
workload: { type: pubsub, messages: 10 }
`;

test('the shipped scenarios load', async () => {
  const quick = await loadScenario('scenarios/quick.yaml', { env: {} });
  assert.equal(quick.cases.length, 4);
  assert.ok(quick.cases.every((planned) => planned.target.type === 'rocksmq'));
  const milvus = await loadScenario('scenarios/milvus-pubsub.yaml', { env: {} });
  assert.deepEqual(
    [...new Set(milvus.cases.map((planned) => planned.label))],
    ['5MiB×100 window', '1MiB×500 window', '64KiB×10000 window', '1KiB×50000 window'],
  );
  assert.deepEqual(milvus.targets.map((target) => target.name), ['nats', 'rocksmq', 'kafka', 'pulsar']);
  assert.ok(milvus.cases.every((planned) => planned.params.type === 'pubsub' && planned.params.operations === 50));
  assert.equal(milvus.file.warmup.operations, 1);
});

test('every file in scenarios/ is valid and plans at least one case', async () => {
  const files = (await readdir('scenarios')).filter((name) => name.endsWith('.yaml'));
  assert.ok(files.length >= 8, `scenarios found: ${files.join(', ')}`);
  for (const file of files) {
    const loaded = await loadScenario(`scenarios/${file}`, { env: {} });
    assert.ok(loaded.cases.length > 0, file);
  }
});

test('defaults fill what the file leaves out', () => {
  const loaded = parseScenario(minimal, 't.yaml', { env: {} });
  const [planned] = loaded.cases;
  assert.deepEqual(planned?.params, { type: 'pubsub', messages: 10, payloadBytes: 1024, operations: 10, payload: 'random', timeout: 60_000, reference: false });
  assert.equal(loaded.file.trials, 1);
  assert.equal(loaded.file.provider, 'auto');
  assert.deepEqual(planned?.target.settings && (planned.target.settings as { sync: boolean }).sync, false);
});

test('every error of a file is reported at once, with line, column and path', () => {
  const issues = issuesOf(`name: "bad name!"
targets:
  - nosuchbroker
  - name: r
    type: rocksmq
    settings: { sync: "yes", colour: blue }
workload:
  type: pubsub
  messages: -3
  payloadBytes: 12 parsecs
trials: 0
`);
  const found = issues.map((issue) => `${issue.line}:${issue.path}:${issue.message}`);
  assert.ok(issues.length >= 4, found.join('\n'));
  assert.ok(issues.every((issue) => issue.source === 'bad.yaml'));
  assert.ok(found.some((text) => text.startsWith('1:name:')), found.join('\n'));
  assert.ok(found.some((text) => /^9:workload\.messages:/.test(text)), found.join('\n'));
  assert.ok(found.some((text) => /^10:workload\.payloadBytes:.*not a size/.test(text)), found.join('\n'));
  assert.ok(found.some((text) => /^11:trials:/.test(text)), found.join('\n'));
  assert.ok(found.some((text) => text.startsWith('3:targets[0]:unknown target type "nosuchbroker"')), found.join('\n'));
});

test('unknown targets and bad target settings are reported together', () => {
  const issues = issuesOf(`name: t
targets:
  - nosuchbroker
  - name: r
    type: rocksmq
    settings: { sync: "yes", colour: blue }
workload: { type: pubsub, messages: 10 }
`);
  const found = issues.map((issue) => `${issue.line}:${issue.path}:${issue.message}`);
  assert.ok(found.some((text) => text.startsWith('3:targets[0]:unknown target type "nosuchbroker"')), found.join('\n'));
  assert.ok(found.some((text) => text.startsWith('6:targets[1].settings.sync:')), found.join('\n'));
  assert.ok(found.some((text) => text.startsWith('6:targets[1].settings.colour:unknown field')), found.join('\n'));
});

test('a target entry given as an object is checked as one: what is wrong inside it, not "Invalid input"', () => {
  const issues = issuesOf('name: t\ntargets: [{ type: rocksmq, settings: {} }, { name: r, colour: blue }]\nworkload: { type: pubsub, messages: 10 }\n');
  const found = issues.map((issue) => `${issue.path}:${issue.message}`);
  assert.deepEqual(found, ['targets[0].name:is required', 'targets[1].colour:unknown field']);
});

test('an unknown workload type names the known ones', () => {
  const issues = issuesOf('name: t\ntargets: [rocksmq]\nworkload: { type: pubsbu }\n');
  assert.equal(issues[0]?.path, 'workload.type');
  assert.match(issues[0]!.message, /"pubsub"/);
});

test('YAML syntax errors give the line', () => {
  const issues = issuesOf('name: t\ntargets: [rocksmq\nworkload: {}\n');
  assert.ok(issues[0]?.line !== undefined);
});

test('matrix: axes cross, include adds, exclude removes (matching parsed values)', () => {
  const loaded = parseScenario(
    `name: m
targets: [rocksmq]
workload: { type: pubsub, messages: 10 }
matrix:
  axes: { payloadBytes: [1KiB, 64KiB], payload: [random, window] }
  include: [{ payloadBytes: 5MiB, messages: 2 }]
  exclude: [{ payloadBytes: 65536, payload: window }]
`,
    'm.yaml',
    { env: {} },
  );
  assert.deepEqual(
    loaded.cases.map((planned) => planned.label),
    ['1KiB×10 random', '1KiB×10 window', '64KiB×10 random', '5MiB×2 random'],
  );
});

test('matrix errors point at the matrix entry that caused them', () => {
  const issues = issuesOf(`name: m
targets: [rocksmq]
workload: { type: pubsub }
matrix:
  include:
    - { payloadBytes: 1KiB, messages: 10 }
    - { payloadBytes: 10, messages: 10 }
    - { payloadBytes: 1KiB, mesages: 10 }
`);
  const found = issues.map((issue) => `${issue.line}:${issue.path}:${issue.message}`);
  assert.ok(found.some((text) => /^7:matrix\.include\[1\]\.payloadBytes:must be at least 48/.test(text)), found.join('\n'));
  assert.ok(found.some((text) => /^8:matrix\.include\[2\]\.mesages:unknown field/.test(text)), found.join('\n'));
  assert.ok(found.some((text) => /workload\.messages:is required/.test(text)), found.join('\n'));
});

test('layering: defaults < file < environment < flags, and unset stays distinct from 0', () => {
  const file = `${minimal}trials: 2\nseed: 0\n`;
  assert.equal(parseScenario(file, 't.yaml', { env: {} }).file.trials, 2);
  assert.equal(parseScenario(file, 't.yaml', { env: {} }).file.seed, 0, 'an explicit 0 is kept, not replaced by the default');
  assert.equal(parseScenario(minimal, 't.yaml', { env: {} }).file.seed, 1, 'unset takes the default');
  assert.equal(parseScenario(file, 't.yaml', { env: { MQBENCH_TRIALS: '3' } }).file.trials, 3);
  assert.equal(parseScenario(file, 't.yaml', { env: { MQBENCH_TRIALS: '3' }, set: ['trials=4'] }).file.trials, 4);
  assert.equal(parseScenario(file, 't.yaml', { env: { MQBENCH_TRIALS: '3' }, set: ['trials=4'], trials: 5 }).file.trials, 5);
  const set = parseScenario(minimal, 't.yaml', { env: {}, set: ['workload.messages=7', 'workload.payloadBytes=2KiB'] });
  assert.equal(set.cases[0]?.params.type === 'pubsub' && set.cases[0].params.messages, 7);
  assert.equal(set.cases[0]?.params.type === 'pubsub' && set.cases[0].params.payloadBytes, 2048);
  assert.deepEqual(set.overrides, ['--set workload.messages=7', '--set workload.payloadBytes=2KiB']);
});

test('errors in overridden fields name the flag or variable, not the file', () => {
  const issues = issuesOf(minimal, { env: { MQBENCH_PROVIDER: 'cloud' }, set: ['workload.messages=many', 'nonsense'] });
  const sources = issues.map((issue) => issue.source);
  assert.deepEqual(sources, ['--set nonsense']);
  const later = issuesOf(minimal, { env: { MQBENCH_PROVIDER: 'cloud' }, set: ['workload.messages=many'] });
  assert.deepEqual(later.map((issue) => issue.source).sort(), ['--set workload.messages=many', 'MQBENCH_PROVIDER']);
});

test('--targets selects file targets and adds known types with defaults', () => {
  const file = `name: t
targets:
  - name: fast
    type: rocksmq
  - name: safe
    type: rocksmq
    settings: { sync: true }
workload: { type: pubsub, messages: 1 }
`;
  const loaded = parseScenario(file, 't.yaml', { env: {}, targets: ['safe', 'rocksmq'] });
  assert.deepEqual(loaded.targets.map((target) => target.name), ['safe', 'rocksmq']);
  assert.equal((loaded.targets[0]!.settings as { sync: boolean }).sync, true);
  const issues = issuesOf(file, { targets: ['kafkaa'] });
  assert.equal(issues[0]?.source, '--targets', 'the flag is the source, not the file');
  assert.match(issues[0]!.message, /"kafkaa" is neither/);
});

test('a missing file is reported with its name', async () => {
  await assert.rejects(loadScenario('no/such.yaml'), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.issues[0]?.source, 'no/such.yaml');
    assert.match(error.message, /no such file/);
    return true;
  });
});

test('the committed scenario.schema.json matches the schema the code generates', async () => {
  const { readFile } = await import('node:fs/promises');
  const { scenarioJsonSchema } = await import('./schema.js');
  const committed = JSON.parse(await readFile('scenario.schema.json', 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(scenarioJsonSchema())), 'regenerate with: npx mqbench schema -o scenario.schema.json');
});

test('what cannot run is refused at validation with the reason: repeated targets, huge or zero values', () => {
  const refused: Array<[Parameters<typeof parseScenario>[2], RegExp]> = [
    [{ targets: ['rocksmq', 'rocksmq'] }, /"rocksmq" is named more than once/],
    [{ set: ['workload.payloadBytes=5GiB'] }, /workload\.payloadBytes: must be at most 256 MiB/],
    [{ set: ['workload.timeout=0'] }, /workload\.timeout: must be more than 0/],
    [{ set: ['workload.timeout=999999999999'] }, /workload\.timeout: must be at most 2147483647 ms/],
    [{ set: ['workload.messages=1000000000000'] }, /workload\.messages: must be at most 1,000,000,000/],
    [{ set: ['workload.operations=1000000000000'] }, /workload\.operations: must be at most 1,000,000,000/],
  ];
  for (const [options, reason] of refused) {
    const issues = issuesOf(minimal, options);
    assert.ok(issues.some((issue) => reason.test(`${issue.path}: ${issue.message}`)), `${JSON.stringify(options)}: ${issues.map((issue) => issue.message).join('; ')}`);
  }
});

test('a matrix beyond 10,000 points is refused with its count before it is expanded; 100 × 100 expands', () => {
  const axis = (count: number, offset = 0) => `[${Array.from({ length: count }, (_, index) => index + 1 + offset).join(',')}]`;
  const scenario = (axes: string) => `name: m\ntargets: [rocksmq]\nworkload: { type: pubsub, operations: 1 }\nmatrix:\n  axes:\n${axes}`;
  const huge = issuesOf(scenario(`    messages: ${axis(1000)}\n    operations: ${axis(1000)}\n    payloadBytes: ${axis(1000, 100)}\n`));
  assert.deepEqual(huge.map((issue) => `${issue.path}: ${issue.message}`), ['matrix: expands to 1,000,000,000 points; at most 10,000 (split the scenario, or use fewer axis values)']);
  const square = parseScenario(scenario(`    messages: ${axis(100)}\n    operations: ${axis(100)}\n`), 'm.yaml', { env: {} });
  assert.equal(square.cases.length, 10_000);
});

test('a reference block names scenario targets and workload parameters; anything else is refused with its place', () => {
  const withReference = (figures: string) => `${minimal}reference:\n  source: "a published table"\n  metric: opSeconds.mean\n  figures:\n${figures}`;
  const loaded = parseScenario(withReference('    - { target: rocksmq, payloadBytes: 1KB, messages: 10, value: 0.9 }\n'), 'r.yaml', { env: {} });
  assert.equal(loaded.file.reference?.figures[0]?.value, 0.9);
  const issues = issuesOf(withReference('    - { target: kafka, value: 1 }\n    - { target: rocksmq, colour: red, value: 1 }\n'));
  assert.deepEqual(
    issues.map((issue) => `${issue.path}: ${issue.message}`),
    ['reference.figures[0].target: "kafka" is not a target of this scenario (rocksmq)', 'reference.figures[1].colour: not a parameter of the pubsub workload'],
  );
  assert.match(issuesOf(withReference('    - { target: rocksmq, value: 1 }\n').replace('opSeconds.mean', 'speed'))[0]!.path, /^reference\.metric$/);
});

test('workers: addresses are ws://HOST:PORT, and they need a workload with load clients that can reach the broker', () => {
  const ticks = issuesOf(`
name: t
targets: [nats]
workers: [ws://127.0.0.1:7400]
workload: { type: ticks, duration: 1s }
`);
  assert.deepEqual(ticks.map((issue) => [issue.path, issue.message]), [['workers', 'the ticks workload runs no load clients: workers run the producers of the stream and pubsub workloads (workload.clients)']]);
  const embedded = issuesOf(`
name: t
targets: [rocksmq]
workers: [ws://127.0.0.1:7400]
workload: { type: stream, messages: 10 }
`);
  assert.match(embedded[0]!.message, /remote workers need a broker they can reach .*rocksmq \(rocksmq\) runs its engine inside the trial's process/);
  const address = issuesOf(`
name: t
targets: [nats]
workers: [http://127.0.0.1:7400/path]
workload: { type: stream, messages: 10 }
`);
  assert.deepEqual(address.map((issue) => [issue.path, issue.message]), [['workers[0]', 'must be a worker address, ws://HOST:PORT']]);
  const fine = parseScenario(`
name: t
targets: [nats]
workload: { type: stream, messages: 10, clients: 1 }
`, 'ok.yaml', { env: {}, set: ['workers=["ws://127.0.0.1:7400","ws://127.0.0.1:7401"]'] });
  assert.deepEqual(fine.file.workers, ['ws://127.0.0.1:7400', 'ws://127.0.0.1:7401']);
});
