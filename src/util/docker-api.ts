/**
 * A few calls of the Docker Engine API over its socket (unix:// or tcp://), for what testcontainers does not cover:
 * the engine's ping, and the reaper's listing and removal of containers. Every call has a bound.
 */
import { request } from 'node:http';

/** A Docker host as DOCKER_HOST spells it, else the default socket. */
export function dockerHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

/** Where node:http connects for a Docker host: a unix socket, or host and port of tcp://. */
function connectionOf(host: string): { socketPath: string } | { host: string; port: number } {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
}

/** The engine's answer: HTTP status and body (parsed as JSON when it is). */
export interface DockerAnswer {
  status: number;
  body: unknown;
}

/** One API call; rejects on a connection error or after `timeoutMs`. */
export function dockerRequest(host: string, method: string, path: string, timeoutMs = 10_000): Promise<DockerAnswer> {
  const target = connectionOf(host);
  return new Promise((resolve, reject) => {
    const req = request({ ...target, path, method, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from the Docker engine at ${host} within ${timeoutMs / 1000} s (${method} ${path})`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Calls `onExit` with the container's exit code once it stops running (the engine's wait call, held open without
 * keeping mqbench alive). Returns a function that stops watching.
 */
export function watchContainerExit(host: string, id: string, onExit: (exitCode: number | undefined) => void): () => void {
  const target = connectionOf(host);
  let watching = true;
  const req = request({ ...target, path: `/containers/${encodeURIComponent(id)}/wait?condition=not-running`, method: 'POST' }, (response) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => {
      if (!watching) return;
      try {
        onExit((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { StatusCode?: number }).StatusCode);
      } catch {
        onExit(undefined);
      }
    });
  });
  req.on('socket', (socket) => socket.unref());
  req.on('error', () => undefined);
  req.end();
  return () => {
    watching = false;
    req.destroy();
  };
}

/** Ids of the containers (running or not) that carry `label` (`key=value`), or every container when it is undefined. */
export async function listContainers(host: string, label?: string): Promise<string[]> {
  const filters = label ? `&filters=${encodeURIComponent(JSON.stringify({ label: [label] }))}` : '';
  const answer = await dockerRequest(host, 'GET', `/containers/json?all=1${filters}`);
  if (answer.status !== 200 || !Array.isArray(answer.body)) throw new Error(`listing containers at ${host}: HTTP ${answer.status}`);
  return (answer.body as Array<{ Id: string }>).map((container) => container.Id);
}

/**
 * Removes every container carrying `label` (every container when it is undefined), in parallel; returns the errors
 * of those that could not be removed (a listing that fails is one error).
 */
export async function removeContainers(host: string, label?: string): Promise<Error[]> {
  let ids: string[];
  try {
    ids = await listContainers(host, label);
  } catch (error) {
    return [error as Error];
  }
  const outcomes = await Promise.allSettled(ids.map((id) => removeContainer(host, id)));
  return outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as Error] : []));
}

/** Removes a container, killing it first if it runs, with its anonymous volumes; a container already gone is fine. */
export async function removeContainer(host: string, id: string): Promise<void> {
  const answer = await dockerRequest(host, 'DELETE', `/containers/${encodeURIComponent(id)}?force=1&v=1`, 30_000);
  if (answer.status !== 204 && answer.status !== 404) throw new Error(`removing container ${id.slice(0, 12)} at ${host}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** Imports a root filesystem (a tar stream) as the image `repository:tag` (the Engine API's image import). */
export function importImage(host: string, tar: NodeJS.ReadableStream, repository: string, tag: string, timeoutMs: number): Promise<void> {
  const target = connectionOf(host);
  const path = `/images/create?fromSrc=-&repo=${encodeURIComponent(repository)}&tag=${encodeURIComponent(tag)}`;
  return new Promise((resolve, reject) => {
    const req = request({ ...target, path, method: 'POST', timeout: timeoutMs, headers: { 'Content-Type': 'application/x-tar' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => {
        const error = /"error(?:Detail)?":\s*"?([^"}]+)/.exec(text)?.[1];
        if (response.statusCode === 200 && !error) resolve();
        else reject(new Error(`importing ${repository}:${tag} at ${host}: HTTP ${response.statusCode}${error ? `: ${error}` : ''}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`importing ${repository}:${tag} took longer than ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    tar.on('error', (error: Error) => req.destroy(error));
    tar.pipe(req);
  });
}
