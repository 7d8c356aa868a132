/** Forking mqbench's own processes (trial workers, load clients): TypeScript loaded, the harness's allocator preloaded. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { harnessAllocator, harnessChildEnv } from '../util/allocator.js';
import { trackChild } from '../util/child-processes.js';
import { TOOL_ROOT } from '../util/tool-root.js';

/**
 * Forks `src/run/<entry>` with IPC (V8 serialisation) and stderr piped, tracked so that it never outlives this
 * process. MQBENCH_WORKER_PROF=<dir> makes each write a CPU profile there.
 */
export function forkHarnessProcess(entry: string): ChildProcess {
  const profile = process.env.MQBENCH_WORKER_PROF;
  const child = fork(join(TOOL_ROOT, 'src', 'run', entry), [], {
    execArgv: ['--import', import.meta.resolve('tsx'), ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])],
    env: harnessChildEnv(harnessAllocator()),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  trackChild(child);
  return child;
}
