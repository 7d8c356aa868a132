/**
 * A Docker engine of mqbench's own, on a private socket, for its tests (and for a user who wants the docker provider
 * without touching the machine's engine). Never the default socket: `--provider auto` must keep choosing what it
 * chooses for everyone else on the machine. Started as Debian's docker.io runs it where no registry or bridge is
 * available: `--bridge=none --iptables=false`, so containers use the host's network (`settings.docker.network:
 * host`). A reaper (container-reaper.ts) removes its containers and stops it when the process that started it ends,
 * whatever the way.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { unmountUnder } from './mounts.js';
import { join } from 'node:path';
import { dockerRequest, removeContainers } from '../util/docker-api.js';
import { startReaper, type Reaper } from './container-reaper.js';
import { signalGroup } from './local-process.js';
import { waitUntil } from './readiness.js';
import { tail } from '../install/exec.js';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** A running private engine. */
export interface PrivateDockerEngine {
  /** Its address, as DOCKER_HOST spells it. */
  host: string;
  pid: number;
  logFile: string;
  /** Removes every container, then stops the engine. */
  stop(): Promise<void>;
}

/** Where dockerd is, or undefined when it is not installed (Debian's docker.io provides it). */
export function dockerdPath(): string | undefined {
  return ['/usr/sbin/dockerd', '/usr/bin/dockerd', '/usr/local/bin/dockerd'].find((path) => existsSync(path));
}

/**
 * Starts dockerd with its state under `directory` (socket, data root, exec root, containerd namespace) and waits until
 * it answers. Needs root, as dockerd does.
 */
export async function startPrivateDockerEngine(directory: string): Promise<PrivateDockerEngine> {
  const dockerd = dockerdPath();
  if (!dockerd) throw new Error('dockerd is not installed (Debian: apt-get install docker.io; npm run setup installs it)');
  // Unix socket paths are limited to 107 bytes: keep the socket's name short.
  await mkdir(directory, { recursive: true });
  const socket = join(directory, 'd.sock');
  const host = `unix://${socket}`;
  const logFile = join(directory, 'dockerd.log');
  const namespace = `mqbench-${process.pid}`;
  const log = openSync(logFile, 'a');
  const child = spawn(
    dockerd,
    [
      '-H', host,
      '--data-root', join(directory, 'data'),
      '--exec-root', join(directory, 'exec'),
      '--pidfile', join(directory, 'dockerd.pid'),
      '--bridge=none', '--iptables=false', '--ip6tables=false', '--ip-masq=false',
      '--containerd-namespace', namespace,
      '--containerd-plugins-namespace', `${namespace}-plugins`,
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  closeSync(log);
  child.unref();
  const pid = child.pid!;
  const reaper: Reaper = startReaper({ host, enginePid: pid, engineDirectory: directory, logFile: join(directory, 'reaper.log') });
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async () => {
    await removeContainers(host);
    signalGroup(pid, 'SIGTERM');
    if (!(await waitUntil(async () => exited, STOP_TIMEOUT_MS, 100))) signalGroup(pid, 'SIGKILL');
    await reaper.release();
    // dockerd leaves its network namespace's bind mount (exec/netns/default) behind, which makes the folder unremovable.
    await unmountUnder(directory);
  };
  const ready = await waitUntil(
    async () => !exited && (await dockerRequest(host, 'GET', '/_ping', 1000).then((answer) => answer.status === 200, () => false)),
    READY_TIMEOUT_MS,
    200,
  );
  if (!ready) {
    await stop();
    const text = await readFile(logFile, 'utf8').catch(() => '');
    throw new Error(`dockerd ${exited ? 'exited' : `did not answer within ${READY_TIMEOUT_MS / 1000} s`}; log ${logFile}:\n${tail(text, 15)}`);
  }
  return { host, pid, logFile, stop };
}

