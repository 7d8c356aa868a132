/** testcontainers, loaded with the settings mqbench needs (see below). */
import { dockerHost } from './docker-api.js';

/**
 * testcontainers, set up for mqbench (unless the user set these variables either way):
 * - its Ryuk needs its image from Docker Hub and a published port, without which every start fails; mqbench has its
 *   own reaper, so Ryuk is turned off;
 * - inside a container (/.dockerenv) it looks for the engine's `bridge` network to find the host, which an engine
 *   run with `--bridge=none` has not got; a local engine's containers are reached on loopback, so that is the host.
 */
export async function testcontainers(): Promise<typeof import('testcontainers')> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  if (dockerHost().startsWith('unix://')) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  return import('testcontainers');
}
