import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test, type TestContext } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { lazyFsUnavailable, mountLazyFs } from '../../provision/lazy-fs.js';
import { startLocalProcess } from '../../provision/local-process.js';
import { freePorts } from '../../provision/ports.js';
import { httpOk } from '../../provision/readiness.js';
import { requireInstalled } from '../../testing/brokers.js';
import { natsConfig } from './config.js';
import { natsServerPath } from './install.js';

before(async () => {
  await requireInstalled('nats');
  assert.equal(lazyFsUnavailable(), undefined);
});

/**
 * nats-server with its store on lazyfs: `messages` publishes, each PubAck awaited, then SIGKILL and a power loss,
 * then the server restarted on what survived. Returns how many messages the stream still holds (0 if it is gone).
 */
async function survivorsOfPowerLoss(t: TestContext, syncInterval: string, names: 'posix' | 'journal', messages: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'mqbench-nats-power-'));
  const mount = await mountLazyFs({ backing: join(dir, 'disk'), mountPoint: join(dir, 'store'), logFile: join(dir, 'lazyfs.log'), names });
  const [port, monitorPort] = await freePorts(2);
  const config = join(dir, 'nats.conf');
  await writeFile(config, natsConfig({ host: '127.0.0.1', port: port!, monitorPort: monitorPort!, storeDir: mount.mountPoint, maxPayload: 1 << 20, syncInterval }));
  const start = () =>
    startLocalProcess({
      name: 'nats-server',
      command: natsServerPath(),
      args: ['-c', config],
      logFile: join(dir, 'nats.log'),
      ready: () => httpOk(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`),
      readyTimeoutMs: 30_000,
    });
  let server = await start();
  t.after(async () => {
    await server.stop(0);
    await mount.unmount();
    await rm(dir, { recursive: true, force: true });
  });
  let connection = await connect({ servers: `nats://127.0.0.1:${port}` });
  await (await jetstreamManager(connection)).streams.add({ name: 'S', subjects: ['s'] });
  const js = jetstream(connection);
  for (let index = 0; index < messages; index++) await js.publish('s', new TextEncoder().encode(`message ${index}`));
  await connection.close();
  // SIGKILL (no SIGTERM first, which would let nats-server sync on its way out), then the power loss.
  process.kill(-server.pid, 'SIGKILL');
  await server.exited;
  await mount.drop();
  server = await start();
  connection = await connect({ servers: `nats://127.0.0.1:${port}` });
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
