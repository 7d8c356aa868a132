/**
 * Runs every trial in a fresh child process (the default): nothing a target's client library does to the process —
 * async hooks, a fragmented heap, stray timers or sockets — can leak into the measurement of another target or trial.
 * The child's own CPU and memory are the "client" figures (broker+client for embedded targets).
 */
import type { TrialRecord } from '../results/trial.js';
import { tail } from '../install/exec.js';
import type { Progress } from '../workloads/workload.js';
import { forkHarnessProcess } from './harness-fork.js';
import type { FromWorker, ToWorker } from './worker-process.js';
import type { FaultHandler } from '../faults/fault.js';
import { errorMessage } from '../util/errors.js';
import type { TrialCommand, Worker } from './worker.js';

/** A worker that runs each trial in its own Node.js process. */
export class ProcessWorker implements Worker {
  runTrial(command: TrialCommand, onProgress: (progress: Progress) => void, signal: AbortSignal, faults?: FaultHandler): Promise<TrialRecord> {
    const child = forkHarnessProcess('worker-process.ts');
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8192);
      process.stderr.write(chunk);
    });
    const startedAt = new Date().toISOString();
    return new Promise<TrialRecord>((resolve) => {
      let record: TrialRecord | undefined;
      const abort = () => child.connected && child.send({ type: 'abort', reason: String(signal.reason ?? 'aborted') } satisfies ToWorker);
      signal.addEventListener('abort', abort, { once: true });
      child.on('message', (message: FromWorker) => {
        if (message.type === 'progress') onProgress(message.progress);
        else if (message.type === 'fault') {
          const reply = (answer: Omit<Extract<ToWorker, { type: 'fault-done' }>, 'type' | 'id'>) =>
            child.connected && child.send({ type: 'fault-done', id: message.id, ...answer } satisfies ToWorker);
          if (!faults) reply({ error: 'this worker applies no faults' });
          else faults(message.request).then((outcome) => reply({ outcome }), (error: unknown) => reply({ error: errorMessage(error) }));
        } else record = message.record;
      });
      child.on('exit', (code, exitSignal) => {
        signal.removeEventListener('abort', abort);
        resolve(
          record ?? {
            number: command.trialNumber,
            status: 'errored',
            error: `the worker process exited (${exitSignal ? `signal ${exitSignal}` : `code ${code}`}) before finishing the trial${stderr ? `:\n${tail(stderr, 10)}` : ''}`,
            failures: [],
            startedAt,
            endedAt: new Date().toISOString(),
          },
        );
      });
      child.send({ type: 'run', command } satisfies ToWorker);
      if (signal.aborted) abort();
    });
  }
}
