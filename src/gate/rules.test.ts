import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../util/errors.js';
import { checkSelectorTargets, parseGateRules } from './rules.js';

test('rules parse: selectors, absolute and relative rules, options and defaults', () => {
  const rules = parseGateRules(
    `defaults: { alpha: 0.1, minTrials: 4 }
e2eLatencyMs{target:kafka}: ["p99 < 50", "p99 regress < 10% (alpha 0.01, minTrials 5)"]
throughput: ["messagesPerSec regress < 5%"]
delivery: ["lost == 0", "corrupt == 0"]
storageBytes: ["value < 1GiB"]
`,
    'gates.yaml',
  ).rules;
  assert.equal(rules.length, 6);
  assert.deepEqual(rules[0], { kind: 'absolute', text: 'p99 < 50', selector: { text: 'e2eLatencyMs{target:kafka}', group: 'e2eLatencyMs', target: 'kafka' }, metricKey: 'e2eLatencyMs.p99', metric: rules[0]!.kind === 'absolute' ? rules[0]!.metric : undefined, operator: '<', threshold: 50 });
  assert.equal(rules[1]!.kind === 'relative' && rules[1]!.alpha, 0.01);
  assert.equal(rules[1]!.kind === 'relative' && rules[1]!.minTrials, 5);
  assert.equal(rules[2]!.kind === 'relative' && rules[2]!.alpha, 0.1, 'defaults apply');
  assert.equal(rules[2]!.kind === 'relative' && rules[2]!.minTrials, 4);
  assert.equal(rules[3]!.metricKey, 'delivery.lost');
  assert.equal(rules[5]!.kind === 'absolute' && rules[5]!.threshold, 1024 ** 3);
});

test('a malformed rules file lists every error with its line', () => {
  try {
    parseGateRules(
      `latency: ["p99 < 50"]
e2eLatencyMs{host:x}: ["p99 < 50"]
throughput: ["messagesPerSec regress < 5% (alpha 2)", "nonsense"]
delivery: ["lost < lots"]
defaults: { alpha: 7 }
`,
      'bad-gates.yaml',
    );
    assert.fail('expected rejection');
  } catch (error) {
    assert.ok(error instanceof InputError);
    const lines = error.issues.map((issue) => `${issue.line}:${issue.message}`);
    assert.equal(error.issues.length, 6, lines.join('\n'));
    assert.ok(lines.some((line) => line.startsWith('1:unknown metric group "latency"')));
    assert.ok(lines.some((line) => line.startsWith('2:unknown selector field "host:x"')));
    assert.ok(lines.some((line) => line.startsWith('3:"alpha 2" is not an option')));
    assert.ok(lines.some((line) => line.startsWith('3:"nonsense" is not a rule')));
    assert.ok(lines.some((line) => line.startsWith('4:"lost < lots" is not a rule')));
    assert.ok(lines.some((line) => line.startsWith('5:must be a number between 0 and 1')));
    assert.ok(error.issues.every((issue) => issue.source === 'bad-gates.yaml'));
  }
});

test('nothing unparseable reaches evaluation: each malformed rule, option or selector is refused with its reason', () => {
  const refused: Array<[string, RegExp]> = [
    ['e2eLatencyMs: ["p99 regress < 1.2.3%"]', /"p99 regress < 1\.2\.3%" is not a relative rule/],
    ['e2eLatencyMs: ["p99 regress < .%"]', /is not a relative rule/],
    ['e2eLatencyMs: ["p99 < 1.2.3"]', /"p99 < 1\.2\.3" is not a rule/],
    ['e2eLatencyMs: ["p99 regress < 10% (alpha 0.01 minTrials 5)"]', /"alpha 0\.01 minTrials 5" is not an option/],
    ['e2eLatencyMs: ["p99 regress < 10% (alpha 0.01,)"]', /"" is not an option/],
    ['defaults: 5\ne2eLatencyMs: ["p99 < 5"]', /defaults: must be a map/],
    ['defaults: [1]\ne2eLatencyMs: ["p99 < 5"]', /defaults: must be a map/],
    ['"e2eLatencyMs{targt:kafka}": ["p99 < 5"]', /unknown selector field "targt:kafka"/],
    ['"e2eLatencyMs{workload:strem}": ["p99 < 5"]', /unknown workload "strem"/],
    ['"e2eLatencyMs{target:a:b}": ["p99 < 5"]', /unknown selector field "target:a:b"/],
  ];
  for (const [text, reason] of refused) {
    assert.throws(() => parseGateRules(text, 'g.yaml'), (error: unknown) => error instanceof InputError && reason.test(error.message), text);
  }
  const accepted = parseGateRules('e2eLatencyMs: ["p99 regress < 0%", "p99 regress < .5% (alpha 1e-2, minTrials 5)"]', 'g.yaml').rules;
  assert.deepEqual(
    accepted.map((rule) => rule.kind === 'relative' && [rule.thresholdPct, rule.alpha, rule.minTrials]),
    [
      [0, 0.05, 3],
      [0.5, 0.01, 5],
    ],
  );
});

test('a selector naming a target that no compared result has is invalid input, not an inconclusive rule', () => {
  const rules = parseGateRules('"e2eLatencyMs{target:kafak}": ["p99 < 5"]\n"throughput{target:kafka}": ["messagesPerSec > 1"]', 'gates.yaml');
  const results = [{ cases: [{ target: 'kafka' }, { target: 'nats' }] }];
  assert.throws(() => checkSelectorTargets(rules, results), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.issues.length, 1);
    assert.match(error.message, /^gates\.yaml: e2eLatencyMs\{target:kafak\}: target "kafak" is in none of the results compared \(targets: kafka, nats\)$/);
    return true;
  });
  checkSelectorTargets(parseGateRules('"throughput{target:nats}": ["messagesPerSec > 1"]', 'gates.yaml'), results);
});

test('a rules file whose aliases expand beyond reason (a YAML alias bomb) is invalid input naming the file', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`)].join('\n');
  assert.throws(() => parseGateRules(`${bomb}\ne2eLatencyMs: ["p99 < 5"]\n`, 'bomb-gates.yaml'), (error: unknown) => error instanceof InputError && /^bomb-gates\.yaml: cannot be read: .*YAML aliases/.test(error.message));
});
