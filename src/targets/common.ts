/** Settings every target type accepts, so scenarios can ask all targets for the same thing. */
import { z } from 'zod';

/**
 * Durability a scenario asks for: `default` (each broker's own default: page cache, periodic sync) or `fsync`
 * (fsync of every message/batch before it is acknowledged, where the broker supports it). What each target actually
 * ran with is in the manifest (the driver's description).
 */
export const durabilityField = z
  .enum(['default', 'fsync'])
  .default('default')
  .describe('default: the broker\'s own durability; fsync: fsync every message before acknowledging, where supported');

/**
 * The docker provider's settings of a server target. `network: host` (the default) runs the container in the host's
 * network namespace, the broker bound to 127.0.0.1 on free ports mqbench chooses: no userland proxy or NAT between
 * client and broker, as a benchmark on Linux wants. `bridge` gives the container its own namespace with its usual
 * ports published to free host ports (what docker-compose.yml does).
 */
export const dockerField = z
  .object({
    network: z.enum(['host', 'bridge']).default('host').describe('host: the host\'s network, bound to 127.0.0.1 (default); bridge: own network, ports published'),
  })
  .strict()
  .default({ network: 'host' })
  .describe('the docker provider\'s settings');
