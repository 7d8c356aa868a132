/**
 * Containers must not outlive mqbench, even when it is killed with SIGKILL. testcontainers relies on its Ryuk
 * container for that, which needs an image from Docker Hub and a published port; mqbench runs without it and starts
 * this reaper instead: a process of its own (a new process group, so Ctrl-C does not reach it) holding a pipe whose
 * writing end only mqbench has. When the pipe ends, the reaper removes the containers it watches (by label), and,
 * for a Docker engine mqbench started itself, stops that engine after its containers.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What a reaper watches. */
export interface ReaperOptions {
  /** The engine, as DOCKER_HOST spells it. */
  host: string;
  /** Containers with this label (`key=value`); undefined: every container of the engine. */
  label?: string;
  /** An engine mqbench started: its process group is stopped once its containers are gone. */
  enginePid?: number;
  /** That engine's folder: what it left mounted there is detached after it stopped. */
  engineDirectory?: string;
  /** Where the reaper writes what went wrong. */
  logFile?: string;
}

/** A running reaper. */
export interface Reaper {
  /** Lets the reaper go: it removes what it watches, then exits. Resolves when it has (at most 60 s). */
  release(): Promise<void>;
  pid: number;
}

/** Starts a reaper for `options`. */
export function startReaper(options: ReaperOptions): Reaper {
  const log = options.logFile ? openSync(options.logFile, 'a') : 'ignore';
  const args = ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./container-reaper-main.ts', import.meta.url)), '--host', options.host];
  args.push(...(options.label ? ['--label', options.label] : ['--all']));
  if (options.enginePid) args.push('--engine-pid', String(options.enginePid));
  if (options.engineDirectory) args.push('--engine-dir', options.engineDirectory);
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', log], detached: true });
  if (typeof log === 'number') closeSync(log);
  child.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin!.on('error', () => undefined);
  // The pipe must not keep mqbench alive: when mqbench exits, the pipe ends and the reaper does its work.
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  return {
    pid: child.pid!,
    async release() {
      // Waiting must keep mqbench alive: the child and its pipe are unreferenced, so that an idle mqbench can exit.
      child.ref();
      child.stdin!.end();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 60_000)))]);
      clearTimeout(timer);
    },
  };
}
