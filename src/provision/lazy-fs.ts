/**
 * A directory mounted through lazyfs (tools/lazyfs), so that a power loss can be simulated on what a broker wrote
 * there: written data stays in lazyfs's memory until the file is fsynced, new, removed and renamed names until their
 * directory is fsynced, and `drop()` forgets all of it, as a power cut would. Needs root (or FUSE rights) and
 * /dev/fuse. lazyfs reads its commands on a pipe from mqbench: when mqbench ends, however it ends, the pipe closes and
 * lazyfs unmounts and exits, so no mount outlives the run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { buildLazyFs, lazyFsPath } from '../install/lazy-fs.js';
import { execute } from '../install/exec.js';
import { withTimeout } from '../util/timeout.js';

/** How long lazyfs may take to mount, and to answer one command. */
const READY_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 60_000;

/** What a simulated power loss took away. */
export interface DropResult {
  /** Bytes of unsynced file data forgotten (whole 4 KiB pages). */
  lostBytes: number;
  /** Namespace changes undone (names created, removed or moved whose directory was never fsynced since). */
  undone: number;
}

/** A mounted lazyfs. */
export interface LazyMount {
  /** Where the broker should keep its data. */
  mountPoint: string;
  /** The directory behind it (what the "disk" holds). */
  backing: string;
  /** Forgets everything not synced: call with nothing writing (the broker killed first). */
  drop(): Promise<DropResult>;
  /** Makes everything durable, as sync(2). */
  sync(): Promise<void>;
  /** Unsynced bytes held and namespace changes pending. */
  stats(): Promise<{ dirtyBytes: number; pendingChanges: number }>;
  /** Unmounts (detaching it if still in use) and stops lazyfs; idempotent. */
  unmount(): Promise<void>;
}

/** Where and how to mount. */
export interface LazyFsOptions {
  backing: string;
  mountPoint: string;
  /** lazyfs's stderr is appended here. */
  logFile: string;
  /** Unsynced bytes held at most before a file's pages are written back (unsynced); lazyfs's default is 4 GiB. */
  maxDirtyBytes?: number;
  /**
   * When a change of names (create, unlink, link, rename, mkdir, rmdir) becomes durable: `posix` (the default) once
   * its directories are fsynced; `journal` at any later fsync, as ext4 and XFS commit their metadata journal.
   */
  names?: 'posix' | 'journal';
}

/** Why lazyfs cannot run here, or undefined when it can. */
export function lazyFsUnavailable(): string | undefined {
  if (!existsSync('/dev/fuse')) return 'no /dev/fuse on this machine (FUSE is not available)';
  if (process.getuid?.() !== 0) return 'mounting lazyfs needs root (mqbench mounts it with mount(2) directly)';
  return undefined;
}

/** Mounts `backing` at `mountPoint` through lazyfs (both created if missing). */
export async function mountLazyFs(options: LazyFsOptions): Promise<LazyMount> {
  const unavailable = lazyFsUnavailable();
  if (unavailable) throw new Error(`lazyfs cannot run: ${unavailable}`);
  await mkdir(options.backing, { recursive: true });
  await mkdir(options.mountPoint, { recursive: true });
  const args = [
    ...['--backing', options.backing, '--mount', options.mountPoint, '--names', options.names ?? 'posix'],
    ...(options.maxDirtyBytes ? ['--max-dirty', String(options.maxDirtyBytes)] : []),
  ];
  // Built into the cache on first use (a no-op once built for this source; Go modules from the module proxy).
  await buildLazyFs(() => undefined);
  const child = spawn(await lazyFsPath(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.once('error', (error) => stderr.push(`${error.message}\n`));
  child.stderr.setEncoding('utf8').on('data', (text: string) => stderr.push(text));
  // Its stderr goes to the log once it has ended.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve())).then(() => appendLog(options.logFile, stderr.join('').trim()));
  const lines = createInterface({ input: child.stdout });
  const answers: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  lines.on('line', (line) => (waiting.shift() ?? ((text) => answers.push(text!)))(line));
  void exited.then(() => waiting.splice(0).forEach((wake) => wake(undefined)));
  const nextLine = (what: string, timeoutMs: number) =>
    withTimeout(
      new Promise<string | undefined>((resolve) => {
        if (answers.length > 0) resolve(answers.shift());
        else if (child.exitCode !== null || child.signalCode !== null) resolve(undefined);
        else waiting.push(resolve);
      }),
      timeoutMs,
      what,
    );
  const failure = async (what: string) => {
    await withTimeout(exited, 2_000, 'lazyfs exit').catch(() => undefined);
    const log = stderr.join('').trim();
    return new Error(`lazyfs ${what}${log ? `: ${log.split('\n').slice(-3).join(' / ')}` : ''}`);
  };

  const ready = await nextLine('mounting lazyfs', READY_TIMEOUT_MS).catch(() => undefined);
  if (ready !== 'ready') {
    child.kill('SIGKILL');
    throw await failure(`did not mount ${options.mountPoint}`);
  }
  let queue = Promise.resolve();
  const command = (text: string): Promise<string> => {
    const run = queue.then(async () => {
      if (child.exitCode !== null) throw await failure(`is not running (${text})`);
      child.stdin.write(`${text}\n`);
      const answer = await nextLine(`lazyfs ${text}`, COMMAND_TIMEOUT_MS);
      if (answer === undefined) throw await failure(`exited during ${text}`);
      if (!answer.startsWith('ok')) throw new Error(`lazyfs ${text}: ${answer}`);
      return answer;
    });
    queue = run.then(() => undefined, () => undefined);
    return run;
  };
  const field = (answer: string, name: string) => Number(new RegExp(`\\b${name}=(\\d+)`).exec(answer)?.[1] ?? Number.NaN);
  let unmounted: Promise<void> | undefined;
  return {
    mountPoint: options.mountPoint,
    backing: options.backing,
    async drop() {
      const answer = await command('drop');
      return { lostBytes: field(answer, 'lost-bytes'), undone: field(answer, 'undone') };
    },
    async sync() {
      await command('sync');
    },
    async stats() {
      const answer = await command('stats');
      return { dirtyBytes: field(answer, 'dirty-bytes'), pendingChanges: field(answer, 'pending-changes') };
    },
    unmount() {
      unmounted ??= (async () => {
        child.stdin.end();
        const stopped = await withTimeout(exited, 10_000, 'lazyfs unmount').then(() => true, () => false);
        if (!stopped) child.kill('SIGKILL');
        // Killed, or its unmount failed: a FUSE mount without its daemon is detached here.
        if (await isMounted(options.mountPoint)) await execute('umount', ['-l', options.mountPoint], { label: 'umount' }).catch(() => undefined);
      })();
      return unmounted;
    },
  };
}

/** True when `path` is a mount point in /proc/self/mounts. */
export async function isMounted(path: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  return mounts.split('\n').some((line) => line.split(' ')[1] === path);
}

async function appendLog(file: string, text: string): Promise<void> {
  if (text) await appendFile(file, `${text}\n`).catch(() => undefined);
}
