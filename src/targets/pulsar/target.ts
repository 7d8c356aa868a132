/**
 * The pulsar target: Apache Pulsar standalone (without functions worker and stream storage) as a local JVM from
 * the Maven Central distribution, a container, or an external cluster. Pulsar takes tens of seconds to start, so it
 * is started once per run; every trial uses fresh topics.
 */
import { resolvePulsarToken } from './auth.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGES, VERSIONS } from '../../install/versions.js';
import { RestartableProcess } from '../../provision/restartable-process.js';
import { freePorts } from '../../provision/ports.js';
import { checkedOrStopped, httpOk, waitUntil } from '../../provision/readiness.js';
import { dockerAvailability, externalAvailability, javaLocalAvailability } from '../availability.js';
import type { Availability, TargetDefinition, TargetInstance } from '../target.js';
import { applyConf, pulsarJvm, pulsarOverrides } from './config.js';
import { pulsarContainer, PULSAR_PORTS } from './container.js';
import { planContainerNetwork, type ContainerNetwork } from '../../provision/container-spec.js';
import { containerInfo } from '../../provision/docker-info.js';
import type { PulsarEndpoint } from './driver.js';
import { pulsarHome, pulsarInstaller } from './install.js';
import { PULSAR_FSYNC, pulsarSettingsSchema, type PulsarSettings } from './settings.js';

const READY_TIMEOUT_MS = 180_000;

/** Ready once the standalone created its default namespace (after its cluster and tenant): topics live there. */
const namespaceReady = (webServiceUrl: string) => httpOk(`${webServiceUrl}/admin/v2/namespaces/public`, (body) => body.includes('public/default'));

/** journalSyncData as the standalone's startup log shows the configuration it loaded ("true"/"false"), if it does. */
export function journalSyncDataInForce(log: string): string | undefined {
  return /"journalSyncData" : "(true|false)"/.exec(log)?.[1];
}

/** The port the standalone's bookie listens on, as its startup log says. */
export function bookiePortInUse(log: string): number | undefined {
  const match = /Binding bookie-rpc endpoint to [^\s:]*:(\d+)/.exec(log) ?? /Starting new bookie on port: (\d+)/.exec(log);
  return match ? Number(match[1]) : undefined;
}

/** The durability settings a standalone with these settings runs with. */
function durabilityOf(settings: PulsarSettings): PulsarEndpoint['durability'] {
  const sync = settings.durability === 'fsync';
  return {
    journalSyncData: sync,
    fsync: sync ? PULSAR_FSYNC.fsync : PULSAR_FSYNC.default,
    ensembleSize: 1,
    writeQuorum: 1,
    ackQuorum: 1,
  };
}

/** Definition of the pulsar target type. */
/** The standalone's container for `settings` on `brokerPort` and `webPort`. */
function pulsarContainerFor(settings: PulsarSettings, brokerPort: number, webPort: number, network?: Pick<ContainerNetwork, 'mode' | 'bindHost'>) {
  return pulsarContainer(
    { brokerPort, webPort, heap: settings.heap, directMemory: settings.directMemory, maxMessageSize: settings.maxMessageSize, journalSyncData: settings.durability === 'fsync' },
    network,
  );
}

export const pulsarTarget: TargetDefinition<PulsarSettings> = {
  type: 'pulsar',
  title: 'Apache Pulsar standalone',
  environment: [
    { name: 'MQBENCH_PULSAR_WEB_URL', kind: 'setting', setting: 'external.webServiceUrl', description: 'the admin (web service) URL of the external provider' },
    { name: 'MQBENCH_PULSAR_URL', kind: 'setting', setting: 'external.serviceUrl', description: 'its binary protocol URL (default: pulsar://<web host>:6650)' },
    { name: 'MQBENCH_PULSAR_TOKEN', kind: 'secret', description: 'a token (JWT) for an external cluster' },
    { name: 'MQBENCH_PULSAR_HOME', kind: 'install', description: 'a Pulsar distribution to use instead of the installed one' },
  ],
  kind: 'server',
  multiProcessClients: true,
  settingsSchema: pulsarSettingsSchema,
  installer: pulsarInstaller,

  async availability(settings?: PulsarSettings): Promise<Availability[]> {
    return [
      await javaLocalAvailability(pulsarInstaller),
      await dockerAvailability(IMAGES.pulsar),
      externalAvailability({
        configured: settings?.external?.webServiceUrl,
        setting: 'settings.external.webServiceUrl',
        variable: 'MQBENCH_PULSAR_WEB_URL',
        nothing: 'no cluster configured',
        fix: 'set settings.external.webServiceUrl (and serviceUrl) in the scenario, or MQBENCH_PULSAR_WEB_URL / MQBENCH_PULSAR_URL',
      }),
    ];
  },

  container: (settings) => pulsarContainerFor(settings, PULSAR_PORTS.broker, PULSAR_PORTS.web),

  async provision(provider, context): Promise<TargetInstance> {
    const settings = context.settings as PulsarSettings;
    if (provider === 'external') {
      const webServiceUrl = settings.external?.webServiceUrl;
      if (!webServiceUrl) throw new Error('the external provider needs settings.external.webServiceUrl or MQBENCH_PULSAR_WEB_URL');
      const serviceUrl = settings.external?.serviceUrl ?? webServiceUrl.replace(/^https?:\/\/([^:/]+).*/, 'pulsar://$1:6650');
      const token = await resolvePulsarToken(settings.external);
      const tlsCaFile = settings.external?.tls?.caFile;
      const authentication = [token === undefined ? undefined : 'token', tlsCaFile === undefined ? undefined : `TLS (CA ${tlsCaFile})`].filter(Boolean).join('; ') || 'none';
      return {
        provider,
        endpoint: { webServiceUrl, serviceUrl, ...(token === undefined ? {} : { token }), ...(tlsCaFile === undefined ? {} : { tlsCaFile }) } satisfies PulsarEndpoint,
        storage: { kind: 'none', reason: 'external cluster' },
        info: { webServiceUrl, serviceUrl, authentication },
        stop: async () => undefined,
      };
    }
    const dataDir = join(context.dir, 'data');
    await mkdir(dataDir, { recursive: true });
    const [brokerPort, webPort] = await freePorts(2);
    const port = settings.port ?? brokerPort!;
    const webServiceUrl = `http://127.0.0.1:${webPort}`;
    const endpoint: PulsarEndpoint = { webServiceUrl, serviceUrl: `pulsar://127.0.0.1:${port}`, durability: durabilityOf(settings) };
    if (provider === 'docker') {
      const { startContainer } = await import('../../provision/docker.js');
      // The broker listens on the ports chosen here in either mode (published to the same numbers in its own network).
      const network = await planContainerNetwork(settings.docker.network, []);
      const spec = pulsarContainerFor(settings, port, webPort!, network);
      const started = await startContainer(spec, {
        hostDataDir: dataDir,
        logFile: join(context.logDir, `${context.name}.log`),
        fixedPorts: { [port]: port, [webPort!]: webPort! },
        startupTimeoutMs: READY_TIMEOUT_MS,
      });
      // The image's HTTP wait passes before standalone has created public/default.
      await checkedOrStopped(started, async () => {
        if (!(await waitUntil(() => namespaceReady(webServiceUrl), READY_TIMEOUT_MS))) {
          throw new Error(`pulsar container ${started.id.slice(0, 12)} never created the public/default namespace`);
        }
      });
      return {
        provider,
        endpoint,
        broker: { kind: 'docker-container', id: started.id, label: `${spec.image} ${started.id.slice(0, 12)}` },
        storage: { kind: 'directories', paths: [dataDir] },
        info: { ...containerInfo(spec, started), ...endpoint },
        stop: () => started.stop(),
        failure: () => started.failure(),
      };
    }
    const home = pulsarHome();
    const template = await readFile(join(home, 'conf', 'standalone.conf'), 'utf8');
    const confFile = join(context.dir, 'standalone.conf');
    const overrides = pulsarOverrides({
      advertisedAddress: '127.0.0.1',
      bindAddress: '127.0.0.1',
      brokerServicePort: port,
      webServicePort: webPort!,
      maxMessageSize: settings.maxMessageSize,
      journalSyncData: settings.durability === 'fsync',
    });
    await writeFile(confFile, applyConf(template, overrides));
    const jvm = pulsarJvm(settings.heap, settings.directMemory);
    const started = await RestartableProcess.start({
      name: 'pulsar',
      command: join(home, 'bin', 'pulsar'),
      // The bookie picks its own port (with RocksDB metadata the standalone ignores --bookkeeper-port): read from its log.
      args: ['standalone', '-nfw', '-nss', '--metadata-dir', join(dataDir, 'metadata'), '--bookkeeper-dir', join(dataDir, 'bookkeeper'), '-a', '127.0.0.1'],
      env: { PULSAR_STANDALONE_CONF: confFile, PULSAR_LOG_DIR: context.logDir, PULSAR_LOG_FILE: `${context.name}-pulsar.log`, ...jvm },
      logFile: join(context.logDir, `${context.name}.log`),
      diagnosticLogs: [join(context.logDir, `${context.name}-pulsar.log`)],
      ready: () => namespaceReady(webServiceUrl),
      readyTimeoutMs: READY_TIMEOUT_MS,
      signal: context.signal,
    }, 30_000);
    // The durability the result states must be the one in force: the standalone logs the configuration it loaded.
    const asked = String(settings.durability === 'fsync');
    const { journalSyncInForce, bookiePort } = await checkedOrStopped(
      started,
      async () => {
        const log = await readFile(started.logFile, 'utf8').catch(() => '');
        const inForce = journalSyncDataInForce(log);
        if (inForce !== undefined && inForce !== asked) throw new Error(`pulsar standalone runs with journalSyncData=${inForce} where mqbench asked for ${asked}`);
        return { journalSyncInForce: inForce, bookiePort: bookiePortInUse(log) };
      },
      30_000,
    );
    return {
      provider,
      endpoint,
      broker: { kind: 'process-tree', pid: started.pid(), label: `pulsar standalone (pid ${started.pid()})` },
      storage: { kind: 'directories', paths: [dataDir] },
      info: {
        pid: started.pid(),
        home,
        version: VERSIONS.pulsar,
        confFile,
        overrides,
        ...jvm,
        ports: { broker: port, web: webPort!, bookie: bookiePort ?? 'not in the startup log' },
        logFile: started.logFile,
        journalSyncDataInForce: journalSyncInForce === undefined ? 'not in the startup log' : `${journalSyncInForce} (startup log)`,
      },
      stop: () => started.stop(),
      failure: () => started.failure(),
      faults: { broker: started },
    };
  },

  async connect(endpoint, settings) {
    const { connectPulsar } = await import('./driver.js');
    return connectPulsar(endpoint as unknown as PulsarEndpoint, settings);
  },
};
