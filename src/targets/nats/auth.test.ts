import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../testing/temp-dir.js';
import { describeNatsAuth, natsCliAuthFlags, resolveNatsAuth, serversWithAuth } from './auth.js';

test('credentials come from the URL, the settings, files and the environment; the servers lose their user info', async (t) => {
  assert.deepEqual(await resolveNatsAuth('nats://alice:p%40ss@h1:4222,nats://h2:4222', {}, {}), { servers: 'nats://h1:4222,nats://h2:4222', auth: { user: 'alice', pass: 'p@ss' } });
  assert.deepEqual(await resolveNatsAuth('nats://tok@h:4222', {}, {}), { servers: 'nats://h:4222', auth: { token: 'tok' } });
  assert.deepEqual((await resolveNatsAuth('nats://h:4222', {}, { MQBENCH_NATS_TOKEN: 'from-env' })).auth, { token: 'from-env' });
  const dir = await tempDir(t, 'mqbench-nats-auth-');
  await writeFile(join(dir, 'pw'), 'from-file\n');
  const fromFile = await resolveNatsAuth('nats://x:url@h:4222', { user: 'bob', passwordFile: join(dir, 'pw') }, { MQBENCH_NATS_PASSWORD: 'env' });
  assert.deepEqual(fromFile.auth, { user: 'bob', pass: 'from-file' }, 'settings before the environment before the URL');
  await assert.rejects(resolveNatsAuth('nats://h:4222', { passwordFile: join(dir, 'missing') }, {}), /settings\.external\.passwordFile: cannot read .*missing/);
  await assert.rejects(resolveNatsAuth('nats://h:4222', { user: 'bob' }, {}), /user given without a password/);
});

test('the tools get the credentials their way; the manifest gets only their kind', () => {
  assert.equal(serversWithAuth('nats://h1:1,nats://h2:2', { user: 'a b', pass: 'p@ss' }), 'nats://a%20b:p%40ss@h1:1,nats://a%20b:p%40ss@h2:2');
  assert.equal(serversWithAuth('nats://h:1', { token: 't' }), 'nats://t@h:1');
  assert.deepEqual(natsCliAuthFlags({ credsFile: '/c', tls: { caFile: '/ca' } }), ['--creds=/c', '--tlsca=/ca']);
  assert.equal(describeNatsAuth({ user: 'a', pass: 'secret' }), 'user a with a password');
  assert.equal(describeNatsAuth({}), 'none');
});
