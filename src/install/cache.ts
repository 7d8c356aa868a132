/** Where installed brokers live: $MQBENCH_CACHE, else $XDG_CACHE_HOME/mqbench, else ~/.cache/mqbench. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The cache directory for broker installs. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MQBENCH_CACHE) return env.MQBENCH_CACHE;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mqbench');
}
