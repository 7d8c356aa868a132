import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { InputError } from '../util/errors.js';
import { parseScenario } from './load.js';

const minimal = { name: 's', targets: ['rocksmq'], workload: { type: 'pubsub', messages: 10 } };

/** Files `mqbench validate` rejects, and the JSON Schema an editor uses must reject too. */
const rejected: Array<[string, Record<string, unknown>]> = [
  ['a size without a unit it knows', { ...minimal, workload: { type: 'pubsub', messages: 10, payloadBytes: 'lots' } }],
  ['a message smaller than the envelope', { ...minimal, workload: { type: 'pubsub', messages: 10, payloadBytes: 10 } }],
  ['a duration without a unit it knows', { ...minimal, workload: { type: 'pubsub', messages: 10, timeout: 'soon' } }],
  ['a sampling interval in words', { ...minimal, sampling: { interval: 'fast' } }],
  ['an unknown target type', { ...minimal, targets: ['rabbitmq'] }],
  ['an unknown target type, named', { ...minimal, targets: [{ name: 'mq', type: 'rabbitmq' }] }],
  ['a named target whose name is no type', { ...minimal, targets: [{ name: 'rabbitmq' }] }],
  ['a pub/sub workload without messages and no matrix', { ...minimal, workload: { type: 'pubsub' } }],
  ['a misspelt matrix key', { ...minimal, workload: { type: 'pubsub' }, matrix: { include: [{ mesages: 10 }] } }],
  ['a misspelt matrix axis', { ...minimal, matrix: { axes: { payloadbytes: ['1KiB'] } } }],
  ['an unknown top-level field', { ...minimal, trails: 3 }],
];

test('scenario.schema.json, checked with Ajv (JSON Schema 2020-12), accepts every shipped scenario and rejects what mqbench validate rejects', async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(await readFile('scenario.schema.json', 'utf8')));
  for (const file of (await readdir('scenarios')).filter((name) => name.endsWith('.yaml'))) {
    const document = parse(await readFile(`scenarios/${file}`, 'utf8'));
    assert.ok(validate(document), `${file}: ${ajv.errorsText(validate.errors)}`);
  }
  assert.ok(validate(minimal), ajv.errorsText(validate.errors));
  for (const [what, document] of rejected) {
    assert.throws(() => parseScenario(JSON.stringify(document), 's.yaml', { env: {} }), InputError, `mqbench validate rejects ${what}`);
    assert.equal(validate(document), false, `the JSON Schema rejects ${what}`);
  }
});
