/** Running install commands: output captured, failures reported with the command and the tail of its output. */
import { spawn } from 'node:child_process';
import { trackChild } from '../run/child-processes.js';

/** Runs `command args` and resolves with its output; rejects with the output's last lines when it fails. */
export function execute(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; onOutput?: (text: string) => void } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ENOENT' ? `${command} is not installed (not found on PATH)` : `${command}: ${error.message}`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${tail(output, 15)}`));
    });
  });
}

/** The last `lines` lines of `text`. */
export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
