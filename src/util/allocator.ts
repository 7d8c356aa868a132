/**
 * The memory allocator of mqbench's own processes (trial workers, load clients). Every Buffer a client library makes
 * from native bytes (a RocksDB value, a socket read) is a malloc, and V8 frees it later on a background thread; with
 * glibc's malloc the two threads then contend for one arena lock (futex waits and wakes were a fifth of a 1 KiB
 * iterator read's CPU in `perf`). jemalloc keeps a cache per thread: the same read took 2.8–3.8 µs an entry against
 * 5.2–8.4 with glibc (`npm run bench:allocator`, three rounds alternated). So where libjemalloc is installed, the processes that carry messages
 * run with it (LD_PRELOAD at their start). The brokers and their perf tools never do: mqbench's own processes set it
 * for themselves only, and take it out of the environment their children inherit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from './errors.js';

/** What a run asks for: jemalloc where installed (auto), jemalloc or fail, or the system's malloc. */
export type AllocatorChoice = 'auto' | 'jemalloc' | 'system';

/** The choices, for the CLI's option. */
export const ALLOCATOR_CHOICES: readonly AllocatorChoice[] = ['auto', 'jemalloc', 'system'];

/** The allocator mqbench's processes get: its name and, for jemalloc, the library preloaded. */
export interface HarnessAllocator {
  name: 'jemalloc' | 'system';
  library?: string;
  /** Why it is the system's malloc, where jemalloc was not asked away. */
  note?: string;
}

/** The choice of a run (`--allocator`, or the variable itself), which mqbench's child processes inherit. */
export const ALLOCATOR_VARIABLE = 'MQBENCH_ALLOCATOR';
/** Set by mqbench in its own child processes: the LD_PRELOAD they had before mqbench's allocator was put in front. */
const INHERITED_PRELOAD_VARIABLE = 'MQBENCH_INHERITED_LD_PRELOAD';

const JEMALLOC_SONAME = 'libjemalloc.so.2';

/** Debian's multiarch directory of this architecture. */
function multiarchDirectory(): string | undefined {
  return { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch as string];
}

/** Where libjemalloc.so.2 is installed (Debian/Ubuntu multiarch, then the usual library directories), or undefined. */
export function findJemalloc(exists: (path: string) => boolean = existsSync): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const multiarch = multiarchDirectory();
  const directories = [
    ...(multiarch ? [`/usr/lib/${multiarch}`, `/lib/${multiarch}`] : []),
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
  ];
  return directories.map((directory) => join(directory, JEMALLOC_SONAME)).find(exists);
}

/**
 * The allocator for `choice`, given where jemalloc is installed (findJemalloc), if it is. jemalloc asked for and not
 * installed is an InputError (exit 2) in `source`, the flag or variable that asked.
 */
export function resolveAllocator(choice: AllocatorChoice, jemalloc: string | undefined, source = ALLOCATOR_VARIABLE): HarnessAllocator {
  if (choice === 'system') return { name: 'system', note: 'asked for (--allocator system or MQBENCH_ALLOCATOR=system)' };
  if (jemalloc) return { name: 'jemalloc', library: jemalloc };
  const missing = process.platform === 'linux' ? `${JEMALLOC_SONAME} is not installed (apt-get install libjemalloc2)` : `preloading jemalloc is done on Linux only, not ${process.platform}`;
  if (choice === 'jemalloc') throw new InputError([{ source, path: '', message: `jemalloc asked for: ${missing}` }]);
  return { name: 'system', note: missing };
}

/** MQBENCH_ALLOCATOR's value as a choice ('auto' where unset); anything else is an InputError (exit 2). */
export function allocatorChoice(env: NodeJS.ProcessEnv = process.env): AllocatorChoice {
  const value = env[ALLOCATOR_VARIABLE];
  if (value === undefined || value === '') return 'auto';
  if ((ALLOCATOR_CHOICES as readonly string[]).includes(value)) return value as AllocatorChoice;
  throw new InputError([{ source: 'environment', path: '', message: `${ALLOCATOR_VARIABLE}=${value}: use one of ${ALLOCATOR_CHOICES.join(', ')}` }]);
}

/** The allocator of the harness processes this one starts, as MQBENCH_ALLOCATOR asks (auto where unset). */
export function harnessAllocator(env: NodeJS.ProcessEnv = process.env, source = ALLOCATOR_VARIABLE): HarnessAllocator {
  return resolveAllocator(allocatorChoice(env), findJemalloc(), source);
}

/** LD_PRELOAD with the allocator in front of what `env` preloads already (nothing to set for the system's malloc). */
export function allocatorPreload(allocator: HarnessAllocator, env: NodeJS.ProcessEnv = process.env): { LD_PRELOAD?: string } {
  if (!allocator.library) return {};
  return { LD_PRELOAD: env.LD_PRELOAD ? `${allocator.library}:${env.LD_PRELOAD}` : allocator.library };
}

/** The environment of a harness child process: `env` with the allocator preloaded in front of any LD_PRELOAD of its own. */
export function harnessChildEnv(allocator: HarnessAllocator, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!allocator.library) return { ...env };
  return { ...env, ...allocatorPreload(allocator, env), [INHERITED_PRELOAD_VARIABLE]: env.LD_PRELOAD ?? '' };
}

/**
 * Run first in a harness child process: puts LD_PRELOAD back as it was before mqbench preloaded its allocator, so
 * the processes this one starts (perf tools, `sync`, a broker's tools) run with the allocator they would have had.
 */
export function restoreInheritedPreload(env: NodeJS.ProcessEnv = process.env): void {
  const inherited = env[INHERITED_PRELOAD_VARIABLE];
  if (inherited === undefined) return;
  if (inherited) env.LD_PRELOAD = inherited;
  else delete env.LD_PRELOAD;
  delete env[INHERITED_PRELOAD_VARIABLE];
}

/** The allocator in force in process `pid` (this one by default), from the libraries mapped into it; undefined off Linux. */
export function allocatorInForce(pid: number | 'self' = 'self'): 'jemalloc' | 'system' | undefined {
  let maps: string;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return undefined;
  }
  return maps.includes('libjemalloc') ? 'jemalloc' : 'system';
}

/** One line for the manifest and the docs: which allocator, where from, or why not jemalloc. */
export function describeAllocator(allocator: HarnessAllocator): string {
  if (allocator.name === 'jemalloc') return `jemalloc (${allocator.library}), preloaded into every trial's and load client's process`;
  return `the system's malloc${allocator.note ? `: ${allocator.note}` : ''}`;
}

/**
 * Applies a command's `--allocator` (else MQBENCH_ALLOCATOR, else auto) to the harness processes this one will start,
 * and returns what they get; a choice that cannot be had is an InputError naming the flag or variable.
 */
export function applyAllocatorChoice(flag: AllocatorChoice | undefined, env: NodeJS.ProcessEnv = process.env): HarnessAllocator {
  if (flag) env[ALLOCATOR_VARIABLE] = flag;
  return harnessAllocator(env, flag ? '--allocator' : ALLOCATOR_VARIABLE);
}
