import assert from 'node:assert/strict';
import { stat, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { bearerHeaders, pulsarPerfAuthArgs, resolvePulsarToken, withTokenFile } from './auth.js';

test('the token comes from the settings, a file or MQBENCH_PULSAR_TOKEN; pulsar-perf reads it from a 0600 file removed afterwards', async () => {
  assert.equal(await resolvePulsarToken({ token: 'a' }, { MQBENCH_PULSAR_TOKEN: 'b' }), 'a');
  assert.equal(await resolvePulsarToken({}, { MQBENCH_PULSAR_TOKEN: 'b' }), 'b');
  assert.equal(await resolvePulsarToken({}, {}), undefined);
  await assert.rejects(resolvePulsarToken({ tokenFile: '/no/such/token' }, {}), /settings\.external\.tokenFile: cannot read/);
  assert.deepEqual(bearerHeaders('t'), { authorization: 'Bearer t' });
  assert.deepEqual(bearerHeaders(undefined), {});
  let seen = '';
  await withTokenFile('jwt', async (path) => {
    seen = path!;
    assert.equal((await stat(seen)).mode & 0o777, 0o600);
    assert.equal(await readFile(seen, 'utf8'), 'jwt');
    assert.deepEqual(pulsarPerfAuthArgs({ tokenFile: path, tlsCaFile: '/ca.pem' }), ['--auth-plugin', 'org.apache.pulsar.client.impl.auth.AuthenticationToken', '--auth-params', `file://${seen}`, '--trust-cert-file=/ca.pem']);
  });
  await assert.rejects(stat(seen), /ENOENT/);
});
