/** Running a broker's own perf tool as a calibration: bounded in time, killed on abort, failures named with its output. */
import { spawn } from 'node:child_process';
import { tail } from '../install/exec.js';
import { trackChild } from '../run/child-processes.js';

/** How a perf tool is run. */
export interface PerfToolRun {
  file: string;
  args: string[];
  /** What the tool is called in errors, e.g. "nats bench". */
  label: string;
  timeoutMs: number;
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs the tool to completion and returns its combined output; rejects on a non-zero exit, a timeout or an abort. */
export function runPerfTool(run: PerfToolRun): Promise<string> {
  return new Promise((resolve, reject) => {
    if (run.signal.aborted) return reject(new Error(`${run.label}: interrupted`));
    const child = spawn(run.file, run.args, { cwd: run.cwd, env: { ...process.env, ...run.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let output = '';
    let ended: string | undefined;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 1_000_000) output = output.slice(-200_000);
    };
    const stop = (reason: string) => {
      ended ??= reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`did not finish within ${(run.timeoutMs / 1000).toFixed(0)} s`), run.timeoutMs);
    const onAbort = () => stop('interrupted');
    run.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) => {
      ended ??= error.code === 'ENOENT' ? `${run.file} is not installed (run npx mqbench install)` : error.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      run.signal.removeEventListener('abort', onAbort);
      if (ended === undefined && code === 0) return resolve(output);
      const why = ended ?? `exit ${code}`;
      reject(new Error(`${run.label} ${why}${output.trim() ? `:\n${tail(output, 8)}` : ''}`));
    });
  });
}

/** A number printed with thousands separators ("126,052") or decimals. */
export function parseToolNumber(text: string): number {
  return Number(text.replace(/,/g, ''));
}
