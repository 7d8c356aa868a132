/**
 * lazyfs (`tools/lazyfs`): the FUSE layer that keeps unsynced writes in memory so that a power loss can be simulated,
 * built from the source in this repository into the cache (go-fuse is pure Go: no cgo).
 */
import { GoTool } from './go-tool.js';

const lazyFs = new GoTool('lazyfs', 'lazyfs (FUSE layer for power-loss faults, go-fuse)', { CGO_ENABLED: '0' });

/** Where the lazyfs binary of the current source lives in the cache. */
export function lazyFsPath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return lazyFs.path(env);
}

/** Builds lazyfs into the cache (a no-op when built; Go modules from the module proxy). */
export function buildLazyFs(log: (line: string) => void): Promise<void> {
  return lazyFs.build(log);
}
