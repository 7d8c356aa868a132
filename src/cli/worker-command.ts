/** `mqbench worker --listen HOST:PORT`: serve load clients to coordinators until stopped (Ctrl-C, SIGTERM). */
import { applyAllocatorChoice, describeAllocator, type AllocatorChoice } from '../util/allocator.js';
import { ExitCode, InputError } from '../util/errors.js';
import { startWorkerServer } from '../run/worker-server.js';
import { workerToken } from '../run/worker-protocol.js';

/** Parses HOST:PORT (or a bare port, on loopback); port 0 picks a free one. */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || !(port >= 0 && port <= 65535)) {
    throw new InputError([{ source: '--listen', path: '', message: `"${value}" is not HOST:PORT (e.g. 127.0.0.1:7400, or 0.0.0.0:7400 with a token)` }]);
  }
  return { host: match[1] || match[2] || '127.0.0.1', port };
}

/** Runs a worker until a signal stops it; prints its address first (a line a script can wait for). */
export async function workerCommand(options: { listen: string; allocator?: AllocatorChoice }): Promise<number> {
  const { host, port } = parseListen(options.listen);
  const allocator = applyAllocatorChoice(options.allocator);
  let token: string | undefined;
  try {
    token = workerToken();
  } catch (error) {
    throw new InputError([{ source: 'environment', path: '', message: (error as Error).message }]);
  }
  const server = await startWorkerServer({ host, port, ...(token ? { token } : {}), log: (line) => process.stderr.write(`mqbench worker: ${line}\n`) }).catch((error: Error) => {
    if (/needs a token/.test(error.message)) throw new InputError([{ source: '--listen', path: '', message: error.message }]);
    throw error;
  });
  process.stdout.write(`mqbench worker listening on ${server.url}${token ? ' (token required)' : ''}\n`);
  process.stderr.write(`mqbench worker: memory allocator ${describeAllocator(allocator)}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.stderr.write(`mqbench worker: ${signal}: stopping ${server.sessions} load client(s)\n`);
  await server.close();
  return signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.ok;
}
