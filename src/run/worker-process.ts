/**
 * The entry of a worker process: runs one trial sent by the coordinator over IPC and sends the record back.
 * Isolation is the point — a client library's process-wide side effects (async hooks, heap, stray timers and
 * sockets) stay in this process and end with the trial, instead of slowing the targets measured after it.
 */
import { loadPlugins } from './plugins.js';
import type { TrialRecord } from '../results/trial.js';
import { errorMessage } from '../util/errors.js';
import type { FaultHandler, FaultOutcome, FaultRequest } from '../faults/fault.js';
import { withTimeout } from '../util/timeout.js';
import { LocalWorker, type TrialCommand } from './worker.js';
import { restoreInheritedPreload } from '../util/allocator.js';

// mqbench's allocator was preloaded for this process only: what it starts runs with what it would have had.
restoreInheritedPreload();

/** Messages between the coordinator and a worker process. */
export type ToWorker =
  | { type: 'run'; command: TrialCommand }
  | { type: 'abort'; reason: string }
  | { type: 'fault-done'; id: number; outcome?: FaultOutcome; error?: string };
/** Messages from a worker process. */
export type FromWorker =
  | { type: 'progress'; progress: import('../workloads/workload.js').Progress }
  | { type: 'result'; record: TrialRecord }
  | { type: 'fault'; id: number; request: FaultRequest };

const controller = new AbortController();
let crash: Error | undefined;

// The coordinator owns Ctrl-C: the terminal's SIGINT also reaches this process, which waits for the abort message.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => controller.abort('SIGTERM'));
const onCrash = (error: unknown) => {
  crash ??= error instanceof Error ? error : new Error(String(error));
  controller.abort(`crash: ${crash.message}`);
};
process.on('uncaughtException', onCrash);
process.on('unhandledRejection', onCrash);

// The coordinator is gone (killed, even with SIGKILL): the trial stops, and the process exits within a bound whatever
// a client library still holds open; on exit the children it started (perf tools, load clients) are killed.
const ORPHAN_EXIT_MS = 5_000;
process.on('disconnect', () => {
  controller.abort('the mqbench process that ran this trial went away');
  setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
});

const send = (message: FromWorker) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

/** Faults asked of the coordinator and not answered yet. */
const pendingFaults = new Map<number, { resolve(outcome: FaultOutcome): void; reject(error: Error): void }>();
let faultIds = 0;

/** Asks the coordinator to apply a fault to the trial's target; resolves once it is ready again. */
const requestFault: FaultHandler = (request) =>
  new Promise<FaultOutcome>((resolve, reject) => {
    const id = ++faultIds;
    pendingFaults.set(id, { resolve, reject });
    void send({ type: 'fault', id, request });
  });

process.on('message', (message: ToWorker) => {
  if (message.type === 'abort') {
    controller.abort(message.reason);
    return;
  }
  if (message.type === 'fault-done') {
    const pending = pendingFaults.get(message.id);
    pendingFaults.delete(message.id);
    if (message.outcome) pending?.resolve(message.outcome);
    else pending?.reject(new Error(message.error ?? 'the fault failed'));
    return;
  }
  void run(message.command);
});

async function run(command: TrialCommand): Promise<void> {
  let record: TrialRecord;
  try {
    await loadPlugins();
    const trial = new LocalWorker().runTrial(command, (progress) => void send({ type: 'progress', progress }), controller.signal, requestFault);
    // After a crash the trial is given a moment to wind down with what it measured.
    record = await Promise.race([trial, new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => setTimeout(() => reject(new Error('the trial did not stop after the abort')), 30_000).unref()))]);
  } catch (error) {
    const now = new Date().toISOString();
    record = { number: command.trialNumber, status: 'errored', error: errorMessage(error), failures: [], startedAt: now, endedAt: now };
  }
  if (crash) {
    record.status = 'errored';
    record.error = `the worker process crashed: ${crash.message}${record.error ? ` (${record.error})` : ''}`;
  }
  await withTimeout(send({ type: 'result', record }), 30_000, 'sending the result').catch(() => undefined);
  process.exit(0);
}
