/** Whether a Docker engine answers (for `--provider auto` and `mqbench targets`). */
import { request } from 'node:http';

let cached: Promise<{ available: boolean; detail: string }> | undefined;

/** Pings the Docker engine at DOCKER_HOST (unix:// or tcp://) or /var/run/docker.sock, once per process. */
export function dockerEngine(): Promise<{ available: boolean; detail: string }> {
  cached ??= ping();
  return cached;
}

function ping(): Promise<{ available: boolean; detail: string }> {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const target = host.startsWith('unix://')
    ? { socketPath: host.slice('unix://'.length) }
    : (() => {
        const url = new URL(host.replace(/^tcp:/, 'http:'));
        return { host: url.hostname, port: Number(url.port || 2375) };
      })();
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: 1500 }, (response) => {
      response.resume();
      resolve(
        response.statusCode === 200
          ? { available: true, detail: `Docker engine at ${host}` }
          : { available: false, detail: `Docker engine at ${host} answered HTTP ${response.statusCode}` },
      );
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ available: false, detail: `no answer from a Docker engine at ${host}` });
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ available: false, detail: `no Docker engine at ${host} (${error.code ?? error.message})` }),
    );
    req.end();
  });
}
