/** Availability entries every server target reports the same way: its Docker image, and an external endpoint. */
import { dockerEngine } from '../provision/docker-engine.js';
import type { Availability } from './target.js';

/** Whether the docker provider can run `image` here. */
export async function dockerAvailability(image: string): Promise<Availability> {
  const docker = await dockerEngine();
  return docker.available
    ? { provider: 'docker', available: true, detail: `image ${image}` }
    : { provider: 'docker', available: false, detail: docker.detail, fix: 'start a Docker engine, or use --provider local' };
}

/** Whether an external endpoint is configured through `variable` (or the scenario, as `fix` explains). */
export function externalAvailability(variable: string, nothing: string, fix: string): Availability {
  const value = process.env[variable];
  return value ? { provider: 'external', available: true, detail: `${variable}=${value}` } : { provider: 'external', available: false, detail: nothing, fix };
}
