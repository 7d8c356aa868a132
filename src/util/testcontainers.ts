/** testcontainers, loaded with the settings mqbench needs (see below). */
import { dockerHost, dockerRequest } from './docker-api.js';

/**
 * testcontainers, set up for mqbench (unless the user set these variables either way):
 * - its Ryuk needs its image from Docker Hub and a published port, without which every start fails; mqbench has its
 *   own reaper, so Ryuk is turned off;
 * - inside a container (/.dockerenv) it looks for the engine's `bridge` network to find the host, and fails on an
 *   engine run with `--bridge=none`; such a local engine's containers run on the host's network or publish on the
 *   host, so the host is loopback.
 */
export async function testcontainers(): Promise<typeof import('testcontainers')> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const host = dockerHost();
  if (host.startsWith('unix://') && process.env.TESTCONTAINERS_HOST_OVERRIDE === undefined) {
    const bridge = await dockerRequest(host, 'GET', '/networks/bridge', 5000).catch(() => undefined);
    if (bridge?.status === 404) process.env.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';
  }
  return import('testcontainers');
}
