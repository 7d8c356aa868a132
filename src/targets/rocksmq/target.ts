/** The rocksmq target: our RocksMQ-style engine, embedded in the worker process as RocksMQ runs inside Milvus. */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TargetDefinition } from '../target.js';
import { rocksmqInstaller } from './install.js';
import { rocksmqSettingsSchema, type RocksmqSettings } from './settings.js';

/** Definition of the rocksmq target type. */
export const rocksmqTarget: TargetDefinition<RocksmqSettings> = {
  type: 'rocksmq',
  title: 'RocksMQ-style embedded broker (RocksDB, or LevelDB where its binding does not load)',
  kind: (settings) => (settings.process === 'own' ? 'server' : 'embedded'),
  settingsSchema: rocksmqSettingsSchema,
  installer: rocksmqInstaller,

  async availability() {
    const reference = await rocksmqInstaller.status();
    const detail = reference.installed ? 'built' : `not built (${reference.fix})`;
    return [
      { provider: 'embedded', available: true, detail: `runs inside the trial's worker process; Milvus's RocksMQ for reference: true ${detail}` },
      { provider: 'local', available: true, detail: 'process: own — the engine in a host process of its own' },
    ];
  },

  async provision(provider, context) {
    const dataDir = join(context.dir, 'data');
    await mkdir(dataDir, { recursive: true });
    if (provider === 'local') {
      const { startEngineHost } = await import('../engine-host/provision.js');
      return startEngineHost('rocksmq', context, { dataDir }, dataDir);
    }
    return {
      provider: 'embedded',
      endpoint: { dataDir },
      storage: { kind: 'directories', paths: [dataDir] },
      info: { dataDir },
      stop: () => rm(dataDir, { recursive: true, force: true }),
    };
  },

  async connect(endpoint, settings, context) {
    if (typeof endpoint.socket === 'string') return (await import('../engine-host/client.js')).connectEngineHost(endpoint.socket, 'rocksmq');
    const { connectRocksmq } = await import('./driver.js');
    const directory = join(String(endpoint.dataDir), `trial-${context.trialIndex}`);
    return connectRocksmq(directory, settings);
  },
};
