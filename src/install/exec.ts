/**
 * Running commands (install steps, broker tools, perf tools): output captured, optionally bounded in time and
 * cancellable, failures reported with the command and the tail of its output.
 */
import { spawn } from 'node:child_process';
import { trackChild } from '../util/child-processes.js';

/** How a command is run. */
export interface ExecuteOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  onOutput?: (text: string) => void;
  /** The command is killed (SIGKILL) and the call rejects after this long. */
  timeoutMs?: number;
  /** Aborting kills the command and rejects the call. */
  signal?: AbortSignal;
  /** What the command is called in errors (default: the command line). */
  label?: string;
}

/** Runs `command args` and resolves with its output; rejects with the output's last lines when it fails. */
export function execute(command: string, args: string[], options: ExecuteOptions = {}): Promise<string> {
  const label = options.label ?? `${command} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new Error(`${label}: interrupted`));
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let output = '';
    let stopped: string | undefined;
    const stop = (reason: string) => {
      stopped ??= reason;
      child.kill('SIGKILL');
    };
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop(`did not finish within ${(options.timeoutMs! / 1000).toFixed(1)} s`), options.timeoutMs);
    const onAbort = () => stop('interrupted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (output.length > 1_000_000) output = output.slice(-200_000);
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) => {
      const where = command.includes('/') ? 'not found; npx mqbench install installs it' : 'not found on PATH';
      stopped ??= error.code === 'ENOENT' ? `${command} is not installed (${where})` : `${command}: ${error.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (stopped === undefined && code === 0) return resolve(output);
      if (stopped?.startsWith(`${command} `) || stopped?.startsWith(`${command}:`)) return reject(new Error(stopped));
      reject(new Error(`${label} ${stopped ?? `failed (exit ${code})`}${output.trim() ? `:\n${tail(output, 15)}` : ''}`));
    });
  });
}

/** The last `lines` lines of `text`. */
export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
