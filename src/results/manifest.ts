/** Building the manifest: tool version and git sha, machine, resolved configuration and its hash. */
import { redactDeep } from '../util/redact.js';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus, hostname, release, totalmem, type, version as osVersion } from 'node:os';
import type { LoadedScenario } from '../scenario/load.js';
import { ownPackage } from '../util/package-version.js';
import { stableStringify } from '../util/stable-json.js';
import type { Manifest } from './result-file.js';
import { TOOL_ROOT } from '../util/tool-root.js';


function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', TOOL_ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** mqbench's name, version, git commit and whether the checkout had uncommitted changes. */
export function toolInfo(): Manifest['tool'] {
  const manifest = ownPackage();
  const gitSha = git(['rev-parse', 'HEAD']) ?? 'unknown';
  const dirty = gitSha !== 'unknown' && (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
  return { name: manifest.name, version: manifest.version, gitSha, dirty };
}

/** The machine the run is on. */
export function machineInfo(): Manifest['machine'] {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryBytes: totalmem(),
    os: `${type()} ${osVersion()}`,
    kernel: release(),
    hostname: hostname(),
  };
}

/** The resolved configuration of a run: what was actually measured, after every override. */
export function resolvedConfig(loaded: LoadedScenario): Record<string, unknown> {
  const { file } = loaded;
  return {
    name: file.name,
    seed: file.seed,
    trials: file.trials,
    warmup: file.warmup,
    sampling: file.sampling,
    cleanup: file.cleanup,
    neighbours: file.neighbours,
    pageCache: file.pageCache,
    targets: loaded.targets,
    cases: loaded.cases.map((planned) => ({ id: planned.id, target: planned.target.name, params: planned.params })),
  };
}

/**
 * A stable hash of the configuration that determines what is measured: everything but the trial count, the names and
 * the wait for other brokers and the page cache's eviction (which guard the conditions, and are recorded per trial;
 * runs from before them compare).
 */
export function configHash(loaded: LoadedScenario): string {
  const { trials: _trials, name: _name, neighbours: _neighbours, pageCache: _pageCache, ...measured } = resolvedConfig(loaded);
  // Secrets do not change what is measured, and must not be derivable from the result: hashed redacted.
  return createHash('sha256').update(stableStringify(redactDeep(measured))).digest('hex');
}
