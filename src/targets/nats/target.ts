/** The nats target: NATS server with JetStream, as a local process, a container, or an external server. */
import { describeNatsAuth, resolveNatsAuth } from './auth.js';
import type { NatsEndpoint } from './driver.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGES } from '../../install/versions.js';
import { containerInfo } from '../../provision/docker-info.js';
import { RestartableProcess } from '../../provision/restartable-process.js';
import { freePorts } from '../../provision/ports.js';
import { planContainerNetwork, type ContainerNetwork } from '../../provision/container-spec.js';
import { checkedOrStopped, httpOk } from '../../provision/readiness.js';
import { dockerAvailability, externalAvailability } from '../availability.js';
import type { Availability, TargetDefinition, TargetInstance } from '../target.js';
import { checkSyncInForce, natsConfig } from './config.js';
import { natsContainer, NATS_PORTS } from './container.js';
import { natsInstaller, natsServerPath } from './install.js';
import { natsSettingsSchema, syncIntervalOf, type NatsSettings } from './settings.js';

const READY_TIMEOUT_MS = 30_000;

/** Definition of the nats target type. */
/** The server's container for `settings`, on `network` (docker-compose.yml: its own, with the usual ports). */
function natsContainerFor(settings: NatsSettings, network?: ContainerNetwork) {
  return natsContainer({ maxPayload: settings.maxPayload, syncInterval: syncIntervalOf(settings), ingestQueue: settings.ingestQueue }, network);
}

export const natsTarget: TargetDefinition<NatsSettings> = {
  type: 'nats',
  title: 'NATS server with JetStream',
  environment: [
    { name: 'MQBENCH_NATS_URL', kind: 'setting', setting: 'external.servers', description: 'the server(s) of the external provider' },
    { name: 'MQBENCH_NATS_USER', kind: 'secret', description: 'user name for an external server' },
    { name: 'MQBENCH_NATS_PASSWORD', kind: 'secret', description: 'its password' },
    { name: 'MQBENCH_NATS_TOKEN', kind: 'secret', description: 'a token instead' },
    { name: 'MQBENCH_NATS_CREDS', kind: 'secret', description: 'a .creds file instead' },
    { name: 'MQBENCH_NATS_SERVER', kind: 'install', description: 'a nats-server binary to use instead of the installed one' },
    { name: 'MQBENCH_NATS_CLI', kind: 'install', description: 'a nats (natscli) binary to use instead of the installed one' },
  ],
  kind: 'server',
  multiProcessClients: true,
  settingsSchema: natsSettingsSchema,
  installer: natsInstaller,

  async availability(settings?: NatsSettings): Promise<Availability[]> {
    const local = await natsInstaller.status();
    return [
      { provider: 'local', available: local.installed, detail: local.detail, fix: local.installed ? undefined : local.fix },
      await dockerAvailability(IMAGES.nats),
      externalAvailability({
        configured: settings?.external?.servers,
        setting: 'settings.external.servers',
        variable: 'MQBENCH_NATS_URL',
        nothing: 'no server configured',
        fix: 'set settings.external.servers in the scenario or MQBENCH_NATS_URL',
      }),
    ];
  },

  container: (settings) => natsContainerFor(settings),

  async provision(provider, context): Promise<TargetInstance> {
    const settings = context.settings as NatsSettings;
    const syncInterval = syncIntervalOf(settings);
    if (provider === 'external') {
      const configured = settings.external?.servers;
      if (!configured) throw new Error('the external provider needs settings.external.servers or MQBENCH_NATS_URL');
      const { servers, auth } = await resolveNatsAuth(configured, settings.external);
      const dataDir = settings.external?.dataDir;
      return {
        provider,
        endpoint: { servers, auth } satisfies NatsEndpoint,
        storage: dataDir ? { kind: 'directories', paths: [dataDir] } : { kind: 'none', reason: 'external server without settings.external.dataDir' },
        info: { servers, authentication: describeNatsAuth(auth) },
        stop: async () => undefined,
      };
    }
    const dataDir = join(context.dir, 'data');
    await mkdir(dataDir, { recursive: true });
    if (provider === 'docker') {
      const { startContainer } = await import('../../provision/docker.js');
      const network = await planContainerNetwork(settings.docker.network, [NATS_PORTS.client, NATS_PORTS.monitor]);
      const spec = natsContainerFor(settings, network);
      const started = await startContainer(spec, { hostDataDir: dataDir, logFile: join(context.logDir, `${context.name}.log`) });
      const monitor = `http://127.0.0.1:${started.ports[network.port(NATS_PORTS.monitor)]}`;
      const sync = await checkedOrStopped(started, async () => {
        const inForce = checkSyncInForce(await (await fetch(`${monitor}/varz`, { signal: AbortSignal.timeout(5000) })).json(), syncInterval);
        if (inForce.mismatch) throw new Error(inForce.mismatch);
        return inForce;
      });
      return {
        provider,
        endpoint: { servers: `nats://127.0.0.1:${started.ports[network.port(NATS_PORTS.client)]}`, syncInterval },
        broker: { kind: 'docker-container', id: started.id, label: `${spec.image} ${started.id.slice(0, 12)}` },
        storage: { kind: 'directories', paths: [dataDir] },
        info: {
          ...containerInfo(spec, started),
          syncInterval,
          syncInForce: `/varz: ${sync.inForce}`,
          maxPayload: settings.maxPayload,
          ingestQueue: settings.ingestQueue ?? 'server default',
        },
        stop: () => started.stop(),
        failure: () => started.failure(),
      };
    }
    const [freePort, monitorPort] = await freePorts(2);
    const port = settings.port ?? freePort;
    const configFile = join(context.dir, 'nats.conf');
    await writeFile(configFile, natsConfig({ host: '127.0.0.1', port: port!, monitorPort: monitorPort!, storeDir: dataDir, maxPayload: settings.maxPayload, syncInterval, ingestQueue: settings.ingestQueue }));
    const binary = natsServerPath();
    const started = await RestartableProcess.start({
      name: 'nats-server',
      command: binary,
      args: ['--config', configFile],
      logFile: join(context.logDir, `${context.name}.log`),
      ready: () => httpOk(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`),
      readyTimeoutMs: READY_TIMEOUT_MS,
      signal: context.signal,
    });
    // The durability the result states must be the one in force: read it back from the server.
    const sync = await checkedOrStopped(started, async () => {
      const inForce = checkSyncInForce(await (await fetch(`http://127.0.0.1:${monitorPort}/varz`, { signal: AbortSignal.timeout(5000) })).json(), syncInterval);
      if (inForce.mismatch) throw new Error(inForce.mismatch);
      return inForce;
    });
    return {
      provider,
      endpoint: { servers: `nats://127.0.0.1:${port}`, syncInterval },
      broker: { kind: 'process-tree', pid: started.pid(), label: `nats-server (pid ${started.pid()})` },
      storage: { kind: 'directories', paths: [dataDir] },
      info: { pid: started.pid(), binary, configFile, logFile: started.logFile, port, monitorPort, syncInterval, syncInForce: `/varz: ${sync.inForce}`, maxPayload: settings.maxPayload, ingestQueue: settings.ingestQueue ?? 'server default' },
      stop: () => started.stop(),
      failure: () => started.failure(),
      faults: { broker: started },
    };
  },

  async connect(endpoint, settings) {
    const { connectNats } = await import('./driver.js');
    return connectNats(endpoint as { servers: string; syncInterval?: string }, settings);
  },
};
