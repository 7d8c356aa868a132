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
