import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactDeep, redactScenarioText, redactSecrets } from './redact.js';

test('URL passwords and tokens, and secret-named assignments, are masked; other text is not', () => {
  assert.equal(redactSecrets('nats://alice:s3cret@127.0.0.1:4222'), 'nats://alice:***@127.0.0.1:4222');
  assert.equal(redactSecrets('nats://a:b@h1:1,nats://c:d@h2:2'), 'nats://a:***@h1:1,nats://c:***@h2:2');
  assert.equal(redactSecrets('nats://t0ken@h:1'), 'nats://***@h:1');
  assert.equal(redactSecrets('--set targets[0].settings.external.password=hunter2'), '--set targets[0].settings.external.password=***');
  assert.equal(redactSecrets('MQBENCH_NATS_TOKEN=abc passwordFile=/run/pw'), 'MQBENCH_NATS_TOKEN=*** passwordFile=/run/pw');
  assert.equal(redactSecrets('http://127.0.0.1:8080/admin/v2 1KiB×20000'), 'http://127.0.0.1:8080/admin/v2 1KiB×20000');
  assert.equal(redactSecrets(redactSecrets('nats://alice:s3cret@h')), 'nats://alice:***@h', 'idempotent');
});

test('scenario text: secret-named values in block and flow style are masked, file paths and the seed are kept', () => {
  const text = `seed: 7
targets:
  - { name: n, type: nats, settings: { external: { servers: "nats://u:p@h:4222", password: hunter2, passwordFile: /run/pw, token: abc } } }
  - name: k
    settings:
      external:
        saslPassword: "x y"
`;
  const redacted = redactScenarioText(text);
  for (const secret of ['hunter2', 'abc', 'x y', 'u:p@']) assert.equal(redacted.includes(secret), false, secret);
  assert.match(redacted, /seed: 7/);
  assert.match(redacted, /passwordFile: \/run\/pw/);
  assert.match(redacted, /token: \*\*\* \}/);
});

test('objects: secret-named fields masked at any depth, URLs in strings redacted, numbers and files kept', () => {
  assert.deepEqual(redactDeep({ seed: 7, external: { servers: 'nats://u:p@h', password: 'x', passwordFile: '/f', nested: [{ apiKey: 'z' }] } }), {
    seed: 7,
    external: { servers: 'nats://u:***@h', password: '***', passwordFile: '/f', nested: [{ apiKey: '***' }] },
  });
});
