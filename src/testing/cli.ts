/** Test helper: runs the real `mqbench` binary as a child process. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TOOL_ROOT } from '../util/tool-root.js';

/** What a finished mqbench process printed and returned. */
export interface CliOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `mqbench <args>`; `onStderr` may react to output (e.g. send a signal). */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<CliOutcome> {
  const child = spawn(process.execPath, [join(TOOL_ROOT, 'bin', 'mqbench.js'), ...args], {
    cwd: options.cwd ?? TOOL_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(stderr, child);
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}
