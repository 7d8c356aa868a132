/**
 * The `woodpecker` target: the real Woodpecker (github.com/zilliztech/woodpecker) through its own Go client, in
 * mqbench's woodpecker-helper, started as a local process with an embedded etcd for its metadata and local-disk or
 * MinIO storage (MinIO runs as the helper's child, so the broker's figures cover both). mqbench's Woodpecker-style
 * engine is the `wal` target; this one is the thing itself.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RestartableProcess } from '../../provision/restartable-process.js';
import { freePorts } from '../../provision/ports.js';
import type { Availability, TargetDefinition, TargetInstance } from '../target.js';
import { minioPath } from '../wal/install.js';
import { MINIO_BUCKET, MINIO_CREDENTIALS } from '../wal/minio.js';
import { connectWoodpecker, type WoodpeckerEndpoint } from './driver.js';
import { woodpeckerHelper, woodpeckerInstaller } from './install.js';
import { answersOnSocket } from './protocol.js';
import { woodpeckerConfig, woodpeckerSettingsSchema, type WoodpeckerSettings } from './settings.js';

const READY_TIMEOUT_MS = 120_000;

/** The woodpecker target type. */
export const woodpeckerTarget: TargetDefinition<WoodpeckerSettings> = {
  type: 'woodpecker',
  title: 'Woodpecker (the real one, embedded, through its Go client)',
  kind: 'server',
  settingsSchema: woodpeckerSettingsSchema,
  installer: woodpeckerInstaller,
  multiProcessClients: true,

  async availability(): Promise<Availability[]> {
    const local = await woodpeckerInstaller.status();
    return [
      { provider: 'local', available: local.installed, detail: local.detail, fix: local.installed ? undefined : local.fix },
      { provider: 'docker', available: false, detail: 'no Woodpecker image is built here; the local provider runs it', fix: 'use --provider local' },
      { provider: 'external', available: false, detail: 'Woodpecker runs embedded in the helper mqbench starts', fix: 'use --provider local' },
    ];
  },

  async provision(provider, context): Promise<TargetInstance> {
    if (provider !== 'local') throw new Error(`woodpecker runs only with the local provider (asked: ${provider})`);
    const settings = context.settings as WoodpeckerSettings;
    const dataDir = join(context.dir, 'data');
    await mkdir(dataDir, { recursive: true });
    const configFile = join(context.dir, 'woodpecker.yaml');
    await writeFile(configFile, woodpeckerConfig(settings));
    const socket = join(context.dir, 'helper.sock');
    const binary = await woodpeckerHelper.path();
    const [minioPort] = await freePorts(1);
    const minio = settings.storage === 'minio' ? ['--minio-binary', minioPath(), '--minio-port', String(minioPort), '--bucket', MINIO_BUCKET] : [];
    const started = await RestartableProcess.start({
      name: 'woodpecker-helper',
      command: binary,
      args: ['--socket', socket, '--data', dataDir, '--config', configFile, '--storage', settings.storage, ...minio],
      env: { WOODPECKER_MINIO_ACCESS_KEY: MINIO_CREDENTIALS.accessKeyId, WOODPECKER_MINIO_SECRET_KEY: MINIO_CREDENTIALS.secretAccessKey },
      logFile: join(context.logDir, `${context.name}.log`),
      ready: () => answersOnSocket(socket),
      readyTimeoutMs: READY_TIMEOUT_MS,
      signal: context.signal,
    });
    return {
      provider,
      endpoint: {
        socket,
        storage: settings.storage,
        dataDir,
        ...(settings.storage === 'minio' ? { minio: { endpoint: `http://127.0.0.1:${minioPort}`, bucket: MINIO_BUCKET, credentials: { ...MINIO_CREDENTIALS } } } : {}),
      } satisfies WoodpeckerEndpoint,
      broker: { kind: 'process-tree', pid: started.pid(), label: `woodpecker-helper (pid ${started.pid()})${settings.storage === 'minio' ? ' and its MinIO' : ''}` },
      storage: { kind: 'directories', paths: [dataDir] },
      info: { pid: started.pid(), binary, configFile, socket, logFile: started.logFile, storage: settings.storage, ...(settings.storage === 'minio' ? { minioPort } : {}) },
      stop: () => started.stop(),
      failure: () => started.failure(),
      faults: { broker: started },
    };
  },

  connect(endpoint, settings) {
    return connectWoodpecker(endpoint as unknown as WoodpeckerEndpoint, settings);
  },
};
