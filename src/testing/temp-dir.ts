/** Test helper: a fresh temporary directory, removed when the test ends (after what was opened in it is closed). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** What each test closes before its temporary directories go, newest first. */
const closers = new WeakMap<TestContext, Array<() => unknown>>();

/** Runs and forgets test `t`'s closers, the last registered first. */
async function runClosers(t: TestContext): Promise<void> {
  const list = closers.get(t) ?? [];
  closers.delete(t);
  for (const close of list.reverse()) await close();
}

/** Creates a temporary directory that is deleted after the test `t`, once what `closeWhenDone` registered is closed. */
export async function tempDir(t: TestContext, prefix = 'mqbench-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(async () => {
    await runClosers(t);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/**
 * Registers `close` to run when test `t` ends, before its temporary directories are removed (t.after hooks run in
 * the order they were registered, so a store closed by a later hook would find its directory gone: RocksDB writes its
 * manifest on close).
 */
export function closeWhenDone(t: TestContext, close: () => unknown): void {
  let list = closers.get(t);
  if (!list) {
    list = [];
    closers.set(t, list);
    t.after(() => runClosers(t));
  }
  list.push(close);
}
