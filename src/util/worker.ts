/** Worker threads running TypeScript modules (through tsx's loader), with a small request/response protocol. */
import { Worker } from 'node:worker_threads';

/** Starts `module` (a .ts file URL) in a worker thread with tsx's loader. */
export function startWorker(module: URL, workerData?: unknown): Worker {
  const loader = import.meta.resolve('tsx');
  return new Worker(module, { workerData, execArgv: [...process.execArgv.filter((arg) => !arg.includes('tsx')), '--import', loader] });
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
