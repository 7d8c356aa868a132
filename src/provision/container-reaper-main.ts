/**
 * The container reaper's process (see container-reaper.ts). It waits for its standard input to end, which happens
 * when the process that started it ends or lets it go, whatever the way (SIGKILL included). Then it removes every
 * container it watches and, for an engine mqbench started, stops that engine. Arguments: `--host <DOCKER_HOST>`,
 * then `--label <key=value>` (containers with that label) or `--all`, and optionally `--engine-pid <pid>` and
 * `--engine-dir <folder>` (what the engine left mounted there is detached after it stopped).
 */
import { removeContainers } from '../util/docker-api.js';
import { processAlive, signalGroup } from './local-process.js';
import { unmountUnder } from './mounts.js';

const ENGINE_STOP_MS = 20_000;

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const host = argument('--host');
const label = argument('--label');
const enginePid = Number(argument('--engine-pid') ?? 0);
const engineDirectory = argument('--engine-dir');
if (!host || (!label && !process.argv.includes('--all'))) {
  process.stderr.write('usage: container-reaper-main --host <DOCKER_HOST> (--label <key=value> | --all) [--engine-pid <pid>]\n');
  process.exit(2);
}
// Ctrl-C and the end of a terminal must not stop the reaper before it has done its work.
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(signal, () => undefined);

process.stdin.resume();
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => void reap().finally(() => process.exit(0)));
process.stdin.on('error', () => void reap().finally(() => process.exit(0)));

let reaping: Promise<void> | undefined;

function reap(): Promise<void> {
  reaping ??= (async () => {
    for (const error of await removeContainers(host!, label)) process.stderr.write(`reaper: ${error.message}\n`);
    if (enginePid > 0) await stopEngine(enginePid);
    if (engineDirectory) await unmountUnder(engineDirectory);
  })();
  return reaping;
}

async function stopEngine(pid: number): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + ENGINE_STOP_MS;
  while (Date.now() < deadline && processAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
  if (processAlive(pid)) signalGroup(pid, 'SIGKILL');
}
