/**
 * The output directory of a run, claimed before anything starts: created without Node's recursive mkdir (which spins
 * forever where mkdir answers ENOENT under an existing parent, e.g. /proc), unique when mqbench picks the name, and
 * exclusive while the run lasts (a lock file naming the owning process). A run that was killed leaves its lock
 * behind; the next run in the same parent directory proves its owner dead and removes what it left (`work/`).
 */
import { mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { errorMessage, InputError } from '../util/errors.js';

/** The lock file's name inside a run directory. */
export const RUN_LOCK = '.mqbench-run.lock';

/** A claimed run directory. */
export interface RunDirectory {
  /** Absolute path (brokers that change directory get paths that still work). */
  path: string;
  /** Removes the lock; the directory and its results stay. */
  release(): Promise<void>;
}

/** What the lock file holds: enough to prove its owner is gone even after the pid was reused. */
interface RunLock {
  pid: number;
  /** The owner's start time in clock ticks since boot (Linux), when known. */
  startTicks?: number;
  startedAt: string;
}

/**
 * Claims `requested` (the user's --out, used as given, or a default base that gets -2, -3… when it exists).
 * `flag` names the option in messages. Throws InputError when the path cannot be created or is in use.
 */
export async function claimRunDirectory(requested: string, options: { unique: boolean; flag: string }): Promise<RunDirectory> {
  const wanted = resolve(requested);
  await createDirectories(dirname(wanted), options.flag);
  await removeStaleRuns(dirname(wanted));
  let path = wanted;
  if (options.unique) {
    for (let attempt = 2; !(await createOne(path, options.flag)); attempt++) path = `${wanted}-${attempt}`;
  } else {
    await createOne(path, options.flag);
  }
  await takeLock(path, options.flag);
  return { path, release: () => rm(join(path, RUN_LOCK), { force: true }) };
}

/** Creates `path` and its missing parents one level at a time, with a message naming `flag` when that fails. */
export async function createDirectories(path: string, flag: string): Promise<void> {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const existing = await stat(current).catch(() => undefined);
    if (existing) {
      if (!existing.isDirectory()) throw new InputError([{ source: flag, path: '', message: `${current} exists and is not a directory` }]);
      break;
    }
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const directory of missing) await createOne(directory, flag);
}

/** mkdir of one level: true when created, false when it already existed; InputError otherwise. */
async function createOne(path: string, flag: string): Promise<boolean> {
  try {
    await mkdir(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await stat(path)).isDirectory()) return false;
    const why = code === 'ENOENT' ? 'this file system does not allow creating it' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : errorMessage(error);
    throw new InputError([{ source: flag, path: '', message: `cannot create the directory ${path}: ${why}` }]);
  }
}

async function takeLock(path: string, flag: string): Promise<void> {
  const lockPath = join(path, RUN_LOCK);
  const lock: RunLock = { pid: process.pid, startTicks: startTicks(process.pid), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(JSON.stringify(lock));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new InputError([{ source: flag, path: '', message: `cannot write in ${path}: ${errorMessage(error)}` }]);
      }
      const owner = await readLock(lockPath);
      if (owner && isAlive(owner)) {
        throw new InputError([{ source: flag, path: '', message: `${path} is in use by another mqbench run (pid ${owner.pid}, started ${owner.startedAt}); choose another --out` }]);
      }
      await cleanStaleRun(path);
    }
  }
  throw new InputError([{ source: flag, path: '', message: `${path}: another mqbench run claimed it at the same moment` }]);
}

/** Removes what killed runs left in the run directories under `parent`: their work directories and locks. */
export async function removeStaleRuns(parent: string): Promise<string[]> {
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const path = join(parent, entry.name);
    const owner = await readLock(join(path, RUN_LOCK));
    if (owner && !isAlive(owner)) {
      await cleanStaleRun(path);
      removed.push(path);
    }
  }
  return removed;
}

/** A dead run's directory: its work directory goes, its result (if any) says why it ended, its lock goes last. */
async function cleanStaleRun(path: string): Promise<void> {
  await rm(join(path, 'work'), { recursive: true, force: true });
  const resultPath = join(path, 'result.json');
  const text = await readFile(resultPath, 'utf8').catch(() => undefined);
  if (text !== undefined) {
    try {
      const result = JSON.parse(text) as { status?: string; reason?: string; manifest?: { endedAt?: string | null } };
      if (result.manifest && result.manifest.endedAt === null) {
        result.status = 'incomplete';
        result.reason ??= 'mqbench was killed before the run ended (found by a later run, which removed its work directory)';
        await writeFile(resultPath, `${JSON.stringify(result, null, 2)}\n`);
      }
    } catch {
      // a result cut short by the kill stays as it is; the lock still goes
    }
  }
  await rm(join(path, RUN_LOCK), { force: true });
}

async function readLock(path: string): Promise<RunLock | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const lock = JSON.parse(text) as RunLock;
    return typeof lock.pid === 'number' ? lock : { pid: -1, startedAt: 'unknown' };
  } catch {
    return { pid: -1, startedAt: 'unknown' };
  }
}

/** Whether the lock's owner still runs: the pid exists and, where the OS tells, started when the lock says. */
function isAlive(lock: RunLock): boolean {
  if (lock.pid <= 0) return false;
  try {
    process.kill(lock.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const ticks = startTicks(lock.pid);
  return lock.startTicks === undefined || ticks === undefined || ticks === lock.startTicks;
}

/** A process's start time since boot in clock ticks (field 22 of /proc/<pid>/stat), on Linux. */
function startTicks(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}
