/** Availability entries every server target reports the same way: its Docker image, and an external endpoint. */
import { execute } from '../install/exec.js';
import type { Installer } from '../install/installer.js';
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

/** Whether the local provider can run a JVM broker: its distribution installed and a java on PATH. */
export async function javaLocalAvailability(installer: Installer): Promise<Availability> {
  const local = await installer.status();
  const java = await execute('java', ['-version']).then(() => true, () => false);
  return {
    provider: 'local',
    available: local.installed && java,
    detail: java ? local.detail : 'java is not on PATH',
    fix: !java ? 'install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless)' : local.installed ? undefined : local.fix,
  };
}
