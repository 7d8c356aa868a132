/** The kafka target: Apache Kafka in KRaft mode, as a local JVM from Maven Central jars, a container, or external. */
import { describeKafkaAuth, resolveKafkaAuth } from './auth.js';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Admin } from 'kafkajs';
import { join } from 'node:path';
import { execute } from '../../install/exec.js';
import { IMAGES, VERSIONS } from '../../install/versions.js';
import { RestartableProcess } from '../../provision/restartable-process.js';
import { freePorts } from '../../provision/ports.js';
import { planContainerNetwork, type ContainerNetwork } from '../../provision/container-spec.js';
import { containerInfo } from '../../provision/docker-info.js';
import { checkedOrStopped, tcpOpen, waitUntil } from '../../provision/readiness.js';
import { dockerAvailability, externalAvailability, javaLocalAvailability } from '../availability.js';
import type { Availability, TargetDefinition, TargetInstance } from '../target.js';
import { jvmOptions, kafkaProperties, log4jConfig, newClusterId, propertiesFile } from './config.js';
import { kafkaContainer, KAFKA_PORTS } from './container.js';
import type { KafkaEndpoint } from './driver.js';
import { kafkaHome, kafkaInstaller } from './install.js';
import { kafkaSettingsSchema, type KafkaSettings } from './settings.js';

const READY_TIMEOUT_MS = 90_000;

/**
 * True once the broker answers a metadata request and coordinates consumer groups (kafkajs admin). The group lookup
 * creates and loads `__consumer_offsets`, which otherwise happens inside the first consumer's join, the one timed for
 * the trial's read-back (1.0-1.3 s here, where later joins took 0.2-0.4 s), and not inside the perf tool's, which runs after.
 */
function brokerAnswers(brokers: string): Promise<boolean> {
  return withAdmin(brokers, 'mqbench-ready', { retries: 0 }, async (admin) => {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null) return false;
    await admin.describeGroups(['mqbench-ready']);
    return true;
  });
}

/** Runs `use` with a short-lived kafkajs admin client of `brokers` (bounded requests, quiet logs), disconnected after. */
async function withAdmin<T>(brokers: string, clientId: string, retry: { retries: number }, use: (admin: Admin, kafkajs: typeof import('kafkajs')) => Promise<T>): Promise<T> {
  const kafkajs = await import('kafkajs');
  const admin = new kafkajs.Kafka({ clientId, brokers: [brokers], logLevel: kafkajs.logLevel.NOTHING, retry, connectionTimeout: 1000, requestTimeout: 2000, enforceRequestTimeout: true }).admin();
  try {
    await admin.connect();
    return await use(admin, kafkajs);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The broker's `log.flush.interval.messages` as the broker itself reports it (DescribeConfigs), checked against what
 * mqbench wrote: "1" for `durability: fsync`, Kafka's default (no forced flush) otherwise.
 */
function checkFlushInForce(brokers: string, fsyncEveryMessage: boolean): Promise<string> {
  return withAdmin(brokers, 'mqbench-config', { retries: 2 }, async (admin, kafkajs) => {
    // A CommonJS export the ESM wrapper does not name: read it from the default export.
    const { ConfigResourceTypes } = (kafkajs as unknown as { default: typeof kafkajs }).default;
    const described = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['log.flush.interval.messages'] }],
      includeSynonyms: false,
    });
    const value = described.resources[0]?.configEntries.find((entry) => entry.configName === 'log.flush.interval.messages')?.configValue;
    const expected = fsyncEveryMessage ? '1' : String(2n ** 63n - 1n);
    if (value !== expected) throw new Error(`kafka runs with log.flush.interval.messages=${value ?? 'unknown'} where mqbench asked for ${expected}`);
    return `log.flush.interval.messages=${value} (DescribeConfigs)`;
  });
}

/** Definition of the kafka target type. */
/** The broker's container for `settings`, advertising `port`. */
function kafkaContainerFor(settings: KafkaSettings, port: number, network?: ContainerNetwork) {
  return kafkaContainer({ advertisedPort: port, heap: settings.heap, messageMaxBytes: settings.messageMaxBytes, fsyncEveryMessage: settings.durability === 'fsync' }, network);
}

export const kafkaTarget: TargetDefinition<KafkaSettings> = {
  type: 'kafka',
  title: 'Apache Kafka (KRaft, single node)',
  environment: [
    { name: 'MQBENCH_KAFKA_BROKERS', kind: 'setting', setting: 'external.brokers', description: 'bootstrap servers of the external provider' },
    { name: 'MQBENCH_KAFKA_SASL_MECHANISM', kind: 'secret', description: 'plain, scram-sha-256 or scram-sha-512' },
    { name: 'MQBENCH_KAFKA_SASL_USERNAME', kind: 'secret', description: 'SASL user name' },
    { name: 'MQBENCH_KAFKA_SASL_PASSWORD', kind: 'secret', description: 'SASL password' },
    { name: 'MQBENCH_KAFKA_HOME', kind: 'install', description: 'a Kafka distribution to use instead of the installed one' },
    { name: 'MQBENCH_KAFKA_READER', kind: 'install', description: 'a kafka-reader binary (tools/kafka-reader) to use instead of the built one' },
  ],
  kind: 'server',
  multiProcessClients: true,
  settingsSchema: kafkaSettingsSchema,
  installer: kafkaInstaller,

  async availability(settings?: KafkaSettings): Promise<Availability[]> {
    return [
      await javaLocalAvailability(kafkaInstaller),
      await dockerAvailability(IMAGES.kafka),
      externalAvailability({
        configured: settings?.external?.brokers,
        setting: 'settings.external.brokers',
        variable: 'MQBENCH_KAFKA_BROKERS',
        nothing: 'no cluster configured',
        fix: 'set settings.external.brokers in the scenario or MQBENCH_KAFKA_BROKERS',
      }),
    ];
  },

  container: (settings) => kafkaContainerFor(settings, KAFKA_PORTS.broker),

  async provision(provider, context): Promise<TargetInstance> {
    const settings = context.settings as KafkaSettings;
    const fsyncEveryMessage = settings.durability === 'fsync';
    if (provider === 'external') {
      const brokers = settings.external?.brokers;
      if (!brokers) throw new Error('the external provider needs settings.external.brokers or MQBENCH_KAFKA_BROKERS');
      const auth = await resolveKafkaAuth(settings.external);
      const dataDir = settings.external?.dataDir;
      return {
        provider,
        endpoint: { brokers, auth } satisfies KafkaEndpoint,
        storage: dataDir ? { kind: 'directories', paths: [dataDir] } : { kind: 'none', reason: 'external cluster without settings.external.dataDir' },
        info: { brokers, authentication: describeKafkaAuth(auth) },
        stop: async () => undefined,
      };
    }
    const dataDir = join(context.dir, 'data');
    await mkdir(dataDir, { recursive: true });
    const [freePort, controllerPort] = await freePorts(2);
    const port = settings.port ?? freePort;
    const brokers = `127.0.0.1:${port}`;
    if (provider === 'docker') {
      const { startContainer } = await import('../../provision/docker.js');
      const network = await planContainerNetwork(settings.docker.network, [KAFKA_PORTS.broker, KAFKA_PORTS.controller], { [KAFKA_PORTS.broker]: port!, [KAFKA_PORTS.controller]: controllerPort! });
      const spec = kafkaContainerFor(settings, port!, network);
      const started = await startContainer(spec, {
        hostDataDir: dataDir,
        logFile: join(context.logDir, `${context.name}.log`),
        fixedPorts: { [KAFKA_PORTS.broker]: port! },
      });
      await checkedOrStopped(started, async () => {
        if (!(await waitUntil(() => brokerAnswers(brokers), READY_TIMEOUT_MS, 200, context.signal))) {
          throw new Error(`kafka container did not coordinate consumer groups within ${READY_TIMEOUT_MS / 1000} s`);
        }
      });
      // The durability the result states must be the one in force, in a container as in a local process.
      const flushInForce = await checkedOrStopped(started, () => checkFlushInForce(brokers, fsyncEveryMessage));
      return {
        provider,
        endpoint: { brokers, version: VERSIONS.kafka, fsyncEveryMessage } satisfies KafkaEndpoint,
        broker: { kind: 'docker-container', id: started.id, label: `${spec.image} ${started.id.slice(0, 12)}` },
        storage: { kind: 'directories', paths: [dataDir] },
        info: { ...containerInfo(spec, started), heap: settings.heap, fsyncEveryMessage, flushInForce },
        stop: () => started.stop(),
        failure: () => started.failure(),
      };
    }
    const home = kafkaHome();
    const classpath = `${join(home, 'libs')}/*`;
    const serverLog = join(context.logDir, `${context.name}-server.log`);
    const properties = kafkaProperties({
      bindHost: '127.0.0.1',
      port: port!,
      controllerPort: controllerPort!,
      advertisedPort: port!,
      logDirs: dataDir,
      messageMaxBytes: settings.messageMaxBytes,
      fsyncEveryMessage,
    });
    const propertiesPath = join(context.dir, 'server.properties');
    const log4jPath = join(context.dir, 'log4j2.properties');
    await writeFile(propertiesPath, propertiesFile(properties));
    await writeFile(log4jPath, log4jConfig(serverLog));
    const logging = [`-Dlog4j2.configurationFile=${log4jPath}`, `-Dkafka.logs.dir=${context.logDir}`];
    const clusterId = newClusterId();
    await execute('java', [...logging, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propertiesPath]);
    const jvm = jvmOptions(settings.heap);
    const started = await RestartableProcess.start({
      name: 'kafka',
      command: 'java',
      args: [...jvm, ...logging, '-cp', classpath, 'kafka.Kafka', propertiesPath],
      logFile: join(context.logDir, `${context.name}.log`),
      diagnosticLogs: [serverLog],
      ready: async () => (await tcpOpen(port!)) && (await brokerAnswers(brokers)),
      readyTimeoutMs: READY_TIMEOUT_MS,
      signal: context.signal,
    }, 20_000);
    // The durability the result states must be the one in force: read it back from the broker.
    const flushInForce = await checkedOrStopped(started, () => checkFlushInForce(brokers, fsyncEveryMessage), 20_000);
    return {
      provider,
      endpoint: { brokers, version: VERSIONS.kafka, fsyncEveryMessage } satisfies KafkaEndpoint,
      broker: { kind: 'process-tree', pid: started.pid(), label: `kafka (pid ${started.pid()})` },
      storage: { kind: 'directories', paths: [dataDir] },
      info: { pid: started.pid(), kafkaHome: home, version: VERSIONS.kafka, jvm, properties: propertiesPath, logFile: started.logFile, serverLog, port, controllerPort, flushInForce },
      stop: () => started.stop(),
      failure: () => started.failure(),
      faults: { broker: started },
    };
  },

  async connect(endpoint, settings) {
    const { connectKafka } = await import('./driver.js');
    return connectKafka(endpoint as unknown as KafkaEndpoint, settings);
  },
};
