import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test, type TestContext } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { lazyFsUnavailable, mountLazyFs } from '../../provision/lazy-fs.js';
import { requireInstalled } from '../../testing/brokers.js';
import { natsSettingsSchema } from './settings.js';
import { natsTarget } from './target.js';

before(async () => {
  await requireInstalled('nats');
  assert.equal(lazyFsUnavailable(), undefined);
});

/**
 * nats-server as mqbench's local provider starts it, with its data directory on lazyfs: `messages` publishes, each
 * PubAck awaited, then SIGKILL and a power loss, then the server started again on what survived. Returns how many
 * messages the stream still holds (0 if it is gone).
 */
async function survivorsOfPowerLoss(t: TestContext, syncInterval: string, names: 'posix' | 'journal', messages: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'mqbench-nats-power-'));
  // The provisioner keeps its data in <dir>/data, which is the lazyfs mount.
  const mount = await mountLazyFs({ backing: join(dir, 'disk'), mountPoint: join(dir, 'data'), logFile: join(dir, 'lazyfs.log'), names });
  const provision = () =>
    natsTarget.provision('local', { name: 'nats', dir, logDir: dir, settings: natsSettingsSchema.parse({ syncInterval }), signal: new AbortController().signal });
  let server = await provision();
  t.after(async () => {
    await server.stop();
    await mount.unmount();
    await rm(dir, { recursive: true, force: true });
  });
  const servers = String(server.endpoint.servers);
  let connection = await connect({ servers });
  await (await jetstreamManager(connection)).streams.add({ name: 'S', subjects: ['s'] });
  const js = jetstream(connection);
  for (let index = 0; index < messages; index++) await js.publish('s', new TextEncoder().encode(`message ${index}`));
  await connection.close();
  // SIGKILL (no SIGTERM first, which would let nats-server sync on its way out), then the power loss.
  const pid = Number(server.info.pid);
  process.kill(-pid, 'SIGKILL');
  await server.stop();
  await mount.drop();
  server = await provision();
  connection = await connect({ servers: String(server.endpoint.servers) });
  try {
    const info = await (await jetstreamManager(connection)).streams.info('S');
    return info.state.messages;
  } catch (error) {
    if (/stream not found/.test((error as Error).message)) return 0;
    throw error;
  } finally {
    await connection.close();
  }
}

test('nats on lazyfs: with sync_interval "always" every acknowledged message survives a power loss (names kept as ext4 keeps them)', async (t) => {
  assert.equal(await survivorsOfPowerLoss(t, 'always', 'journal', 500), 500);
});

test("nats on lazyfs: with mqbench's default sync_interval (2m), acknowledged messages are lost on a power loss within the interval", async (t) => {
  const survivors = await survivorsOfPowerLoss(t, '2m', 'journal', 500);
  assert.ok(survivors < 500, `${survivors} of 500 survived`);
});

test("nats on lazyfs: with strict POSIX names even sync 'always' loses the stream: nats-server does not fsync the directories it creates", async (t) => {
  assert.equal(await survivorsOfPowerLoss(t, 'always', 'posix', 100), 0);
});
