/**
 * A broker started as a local process: its own process group (so the whole tree can be stopped), stdout/stderr
 * appended to a log file kept with the results, readiness awaited with a timeout, and registered so it is killed on
 * every exit path of mqbench (normal end, Ctrl-C, crash).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tail } from '../install/exec.js';
import { trackChild } from '../util/child-processes.js';
import { withTimeout } from '../util/timeout.js';
import { waitUntil } from './readiness.js';

/** How to start and recognise a ready broker process. */
export interface ProcessSpec {
  /** Name in messages, e.g. "nats-server". */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Extra log files whose tails help explain a failure (e.g. Kafka's server.log). */
  diagnosticLogs?: string[];
  ready(): Promise<boolean>;
  readyTimeoutMs: number;
  signal?: AbortSignal;
}

/** A running broker process. */
export interface LocalProcess {
  pid: number;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  /** How the process ended, once it has, e.g. "exited with code 1" or "killed by SIGKILL". */
  exitDescription(): string | undefined;
  /** SIGTERM to the process group, then SIGKILL after `graceMs`; resolves once it has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const ERROR_LINE = /\b(ERROR|FATAL|SEVERE)\b|\[(FTL|ERR)\]|Exception:|error:|already in use/i;

/** What explains a failure in the process's logs: their first error lines, then their last lines. */
export async function logTail(spec: Pick<ProcessSpec, 'logFile' | 'diagnosticLogs'>, lines = 12): Promise<string> {
  const parts: string[] = [];
  for (const file of [spec.logFile, ...(spec.diagnosticLogs ?? [])]) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (!text.trim()) continue;
    const errors = [...new Set(text.split('\n').filter((line) => ERROR_LINE.test(line) && !/^\s+at /.test(line)))].slice(0, 5);
    if (errors.length > 0) parts.push(`--- ${file} (first error lines)\n${errors.join('\n')}`);
    parts.push(`--- ${file} (last ${lines} lines)\n${tail(text, lines)}`);
  }
  return parts.join('\n') || '(no log output)';
}

/**
 * How a broker dies with mqbench whatever kills it (SIGKILL, the OOM killer), for Java, Go and shell-wrapped brokers
 * alike: /bin/sh starts a watcher in the broker's process group, then becomes the broker (exec, so the pid is the
 * broker's). The watcher reads a pipe whose writing end only mqbench holds; when mqbench is gone the pipe ends, and
 * the watcher kills the whole group. It ignores SIGTERM (a graceful stop must not end the watch early) and is
 * double-forked, so it is not a child of the broker and never counts in the broker's figures. (The pipe goes through fd 3:
 * a non-interactive shell gives a background job /dev/null as its input.)
 */
const SUPERVISED_EXEC = `exec 3<&0; ( ( trap '' TERM INT HUP; while read -r _; do :; done; kill -KILL 0 ) <&3 3<&- & ) ; exec "$@" </dev/null 3<&-`;

/** Starts the process and waits until it is ready; on failure stops it and throws with the log tail. */
export async function startLocalProcess(spec: ProcessSpec): Promise<LocalProcess> {
  const log = openSync(spec.logFile, 'a');
  let child;
  try {
    child = spawn('/bin/sh', ['-c', SUPERVISED_EXEC, spec.name, spec.command, ...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['pipe', log, log],
      detached: true,
    });
  } finally {
    closeSync(log);
  }
  // Closing the watcher's pipe once the broker has exited ends the watcher (and anything the broker left in its group).
  const endWatch = () => child.stdin?.destroy();
  child.stdin?.on('error', () => undefined);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  trackChild(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let exitedAlready = false;
  let exitText: string | undefined;
  void exited.then(({ code, signal }) => {
    endWatch();
    exitedAlready = true;
    exitText = signal ? `killed by ${signal}` : `exited with code ${code}`;
  });

  let stopping: Promise<void> | undefined;
  const handle: LocalProcess = {
    pid: child.pid ?? -1,
    logFile: spec.logFile,
    exited,
    running: () => !exitedAlready,
    exitDescription: () => exitText,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (exitedAlready || child.pid === undefined) return;
        signalGroup(child.pid, 'SIGTERM');
        const stopped = await withTimeout(exited, graceMs, `${spec.name} stopping`).then(() => true, () => false);
        if (!stopped) signalGroup(child.pid, 'SIGKILL');
        await exited;
      })();
      return stopping;
    },
  };

  // The readiness poll is cancelled as soon as the race is decided (e.g. the process exited early).
  const polling = new AbortController();
  const pollSignal = spec.signal ? AbortSignal.any([polling.signal, spec.signal]) : polling.signal;
  const outcome = await Promise.race([
    spawnError.then((error) => ({ kind: 'spawn-error' as const, error })),
    exited.then((exit) => ({ kind: 'exited' as const, exit })),
    waitUntil(spec.ready, spec.readyTimeoutMs, 250, pollSignal).then((ready) => ({ kind: ready ? ('ready' as const) : ('timeout' as const) })),
  ]);
  polling.abort();
  if (outcome.kind === 'ready') return handle;
  await handle.stop(2000);
  if (outcome.kind === 'spawn-error') {
    const code = (outcome.error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${spec.name}: ${spec.command} not found` : `${spec.name} could not be started: ${outcome.error.message}`);
  }
  // The shell that becomes the broker answers 127 / 126 when it cannot run the command.
  if (outcome.kind === 'exited' && (outcome.exit.code === 127 || outcome.exit.code === 126)) {
    throw new Error(`${spec.name}: ${spec.command} ${outcome.exit.code === 127 ? 'not found' : 'is not executable'}`);
  }
  const why =
    outcome.kind === 'exited'
      ? `exited (code ${outcome.exit.code}${outcome.exit.signal ? `, signal ${outcome.exit.signal}` : ''}) before it was ready`
      : spec.signal?.aborted
        ? 'start was interrupted'
        : `was not ready after ${Math.round(spec.readyTimeoutMs / 1000)} s`;
  throw new Error(`${spec.name} ${why}; log ${spec.logFile}:\n${await logTail(spec)}`);
}

/** Sends `signal` to the process group led by `pid` (or to `pid` alone if it leads none); a gone process is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Whether a process with `pid` exists (signal 0). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Why a broker process is unusable: it exited while mqbench still needed it (undefined while it runs). */
export function stoppedUnexpectedly(process: LocalProcess, name: string): string | undefined {
  const exit = process.exitDescription();
  return exit ? `${name} ${exit} during the run; see ${process.logFile}` : undefined;
}
