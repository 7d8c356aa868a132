/** Availability entries every server target reports the same way: its Docker image, and an external endpoint. */
import { execute } from '../install/exec.js';
import type { Installer } from '../install/installer.js';
import { dockerEngine, localImage } from '../provision/docker-engine.js';
import { redactSecrets } from '../util/redact.js';
import type { Availability } from './target.js';

/** Whether the docker provider can run `image` here. */
export async function dockerAvailability(image: string): Promise<Availability> {
  const docker = await dockerEngine();
  if (!docker.available) return { provider: 'docker', available: false, detail: docker.detail, fix: 'start a Docker engine, or use --provider local' };
  const local = await localImage(image).catch(() => undefined);
  const what = !local
    ? `image ${image} not present (pulled on first use)`
    : `image ${image} present (${local.standIn ? "mqbench's stand-in, built here" : local.digest ?? local.id.slice(0, 19)})`;
  return { provider: 'docker', available: true, detail: `${docker.detail}; ${what}` };
}

/** Where an external endpoint may be configured: the scenario's setting (read first) and an environment variable. */
export interface ExternalEndpointSource {
  /** The setting's value (from the scenario, or its environment variable, which the loader applies to it). */
  configured: string | undefined;
  /** The setting's path, e.g. "settings.external.servers". */
  setting: string;
  /** The environment variable that fills the setting in. */
  variable: string;
  /** What is missing when neither is set, e.g. "no server configured". */
  nothing: string;
  fix: string;
}

/** Whether an external endpoint is configured (by the scenario's setting or its variable); shown redacted. */
export function externalAvailability(source: ExternalEndpointSource): Availability {
  return source.configured
    ? { provider: 'external', available: true, detail: `${source.setting} (or ${source.variable})=${redactSecrets(source.configured)}` }
    : { provider: 'external', available: false, detail: source.nothing, fix: source.fix };
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
