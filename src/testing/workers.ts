/** Test helper: `mqbench worker` processes on loopback, each started as a user would and stopped with the test. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { TOOL_ROOT } from '../util/tool-root.js';
import { trackChild } from '../util/child-processes.js';

/** A running worker: its address and process. */
export interface TestWorker {
  url: string;
  child: ChildProcess;
  /** What it printed on stderr so far. */
  stderr(): string;
}

const START_TIMEOUT_MS = 60_000;

/** Starts `mqbench worker --listen 127.0.0.1:0` with `env` added; resolves once it prints its address. */
export async function startTestWorker(t: TestContext, env: NodeJS.ProcessEnv = {}): Promise<TestWorker> {
  const child = spawn(process.execPath, [join(TOOL_ROOT, 'bin', 'mqbench.js'), 'worker', '--listen', '127.0.0.1:0'], {
    cwd: TOOL_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`mqbench worker did not start in ${START_TIMEOUT_MS / 1000} s:\n${stderr}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (ws:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mqbench worker exited (${code}) before listening:\n${stderr}`));
    });
  });
  return { url, child, stderr: () => stderr };
}
