/** Whether a Docker engine answers (for `--provider auto` and `mqbench targets`), and which images it already has. */
import { dockerHost, dockerRequest } from '../util/docker-api.js';

/** What `dockerEngine()` found. */
export interface DockerEngineStatus {
  available: boolean;
  detail: string;
  /** The engine's version, when it answered. */
  version?: string;
}

let cached: Promise<DockerEngineStatus> | undefined;

/** Pings the Docker engine at DOCKER_HOST (unix:// or tcp://) or /var/run/docker.sock, once per process. */
export function dockerEngine(): Promise<DockerEngineStatus> {
  cached ??= ping(dockerHost());
  return cached;
}

async function ping(host: string): Promise<DockerEngineStatus> {
  try {
    const answer = await dockerRequest(host, 'GET', '/version', 1500);
    if (answer.status !== 200) return { available: false, detail: `Docker engine at ${host} answered HTTP ${answer.status}` };
    const version = (answer.body as { Version?: string }).Version ?? 'unknown';
    return { available: true, detail: `Docker engine ${version} at ${host}`, version };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { available: false, detail: `no Docker engine at ${host} (${reason})` };
  }
}

/** The local image's id and repository digest, or undefined when the engine does not have it (it would pull it). */
export async function localImage(image: string, host = dockerHost()): Promise<{ id: string; digest?: string; standIn: boolean } | undefined> {
  const answer = await dockerRequest(host, 'GET', `/images/${encodeURIComponent(image)}/json`, 5000);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new Error(`inspecting image ${image} at ${host}: HTTP ${answer.status}`);
  const body = answer.body as { Id: string; RepoDigests?: string[]; Config?: { Labels?: Record<string, string> | null } };
  return { id: body.Id, digest: body.RepoDigests?.[0], standIn: body.Config?.Labels?.[STAND_IN_LABEL] !== undefined };
}

/** The label mqbench's stand-in images carry (docker/stand-ins): its value says what the image stands in for. */
export const STAND_IN_LABEL = 'org.mqbench.stand-in-for';
