/**
 * Starting an embedded engine in a host process of its own (settings `process: own`), for the faults of the durability
 * workload: the host is a supervised local process that a fault can kill, pause and restart on the same files.
 */
import { join } from 'node:path';
import { RestartableProcess } from '../../provision/restartable-process.js';
import type { ProvisionContext, TargetInstance } from '../target.js';
import { TOOL_ROOT } from '../../util/tool-root.js';
import { answersOnSocket } from '../woodpecker/protocol.js';
import type { EngineHostSpec } from './main.js';

const READY_TIMEOUT_MS = 60_000;

/** Starts the host of `type`'s engine opened on `engineEndpoint`; the instance's endpoint is the host's socket. */
export async function startEngineHost(type: string, context: ProvisionContext, engineEndpoint: Record<string, unknown>, dataDir: string): Promise<TargetInstance> {
  const socket = join(context.dir, 'engine.sock');
  const spec: EngineHostSpec = { type, settings: context.settings, endpoint: engineEndpoint, socket };
  const host = await RestartableProcess.start({
    name: `${type}-engine-host`,
    command: process.execPath,
    args: ['--import', import.meta.resolve('tsx'), join(TOOL_ROOT, 'src', 'targets', 'engine-host', 'main.ts'), JSON.stringify(spec)],
    cwd: TOOL_ROOT,
    logFile: join(context.logDir, `${context.name}-engine-host.log`),
    ready: () => answersOnSocket(socket, 'the engine host'),
    readyTimeoutMs: READY_TIMEOUT_MS,
    signal: context.signal,
  });
  return {
    provider: 'local',
    endpoint: { socket, hosted: type },
    broker: { kind: 'process-tree', pid: host.pid(), label: `${type} engine host (pid ${host.pid()})` },
    storage: { kind: 'directories', paths: [dataDir] },
    info: { pid: host.pid(), socket, logFile: host.logFile, process: 'own', dataDir },
    stop: () => host.stop(),
    failure: () => host.failure(),
    faults: { broker: host },
  };
}
