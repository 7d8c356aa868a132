/** Worker threads running TypeScript modules (through tsx's loader), with a small request/response protocol. */
import { Worker } from 'node:worker_threads';

/**
 * Starts `module` (a .ts file URL) in a worker thread. Node 20 does not apply `--import` loaders to a worker's
 * entry module, so the worker boots from a small script that registers tsx and then imports the module.
 */
export function startWorker(module: URL, workerData?: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(boot, { eval: true, workerData, execArgv: withoutLoaderFlags(process.execArgv) });
}

/** `execArgv` without `--import`/`--loader`/`--require` flags (and their arguments): the worker registers tsx itself. */
export function withoutLoaderFlags(execArgv: ReadonlyArray<string>): Array<string> {
  const kept: Array<string> = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (arg === '--import' || arg === '--loader' || arg === '--experimental-loader' || arg === '--require' || arg === '-r') {
      i++;
      continue;
    }
    if (/^--(import|loader|experimental-loader|require)=/.test(arg)) continue;
    kept.push(arg);
  }
  return kept;
}

/** Calls into a worker: every request gets an id, answers come back with it. */
export class WorkerClient {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private failure: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const entry = this.pending.get(message.id);
      if (!entry) return;
      this.pending.delete(message.id);
      if (message.error) entry.reject(new Error(message.error));
      else entry.resolve(message.result);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const entry of this.pending.values()) entry.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
  }

  /** Sends `request` (transferring `transfer`) and resolves with the worker's answer. */
  call<T>(request: Record<string, unknown>, transfer: Array<ArrayBuffer> = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, ...request }, transfer);
    });
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Worker side: answers requests with `handle` (errors are sent back, not thrown). */
export function serveRequests(port: import('node:worker_threads').MessagePort, handle: (request: Record<string, unknown>) => Promise<unknown> | unknown): void {
  port.on('message', async (message: { id: number } & Record<string, unknown>) => {
    try {
      port.postMessage({ id: message.id, result: await handle(message) });
    } catch (error) {
      port.postMessage({ id: message.id, error: (error as Error).message });
    }
  });
}
