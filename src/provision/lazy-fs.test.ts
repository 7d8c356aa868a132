import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test, type TestContext } from 'node:test';
import { processesMentioning } from '../testing/brokers.js';
import { isMounted, lazyFsUnavailable, mountLazyFs, type LazyMount } from './lazy-fs.js';

before(() => {
  const unavailable = lazyFsUnavailable();
  assert.equal(unavailable, undefined, `lazyfs needs FUSE and root here: ${unavailable}`);
});

/** A fresh lazyfs mount, unmounted after the test. */
async function lazyMount(t: TestContext, names: 'posix' | 'journal' = 'posix'): Promise<LazyMount> {
  const dir = await mkdtemp(join(tmpdir(), 'mqbench-lazyfs-'));
  const mount = await mountLazyFs({ backing: join(dir, 'disk'), mountPoint: join(dir, 'mnt'), logFile: join(dir, 'lazyfs.log'), names });
  // Unmounted before the directory is removed (tempDir's cleanup would run first).
  t.after(async () => {
    await mount.unmount();
    await rm(dir, { recursive: true, force: true });
  });
  return mount;
}

/** Writes `text` to `path` (created, appended or overwritten at `position`), fsyncing the file when asked. */
function write(path: string, text: string, options: { flags?: string; position?: number; fsync?: boolean } = {}): void {
  const fd = openSync(path, options.flags ?? 'a');
  writeSync(fd, text, options.position ?? null);
  if (options.fsync) fsyncSync(fd);
  closeSync(fd);
}

/** fsync(2) of a directory: what makes the names created, removed or moved in it durable. */
function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  fsyncSync(fd);
  closeSync(fd);
}

test('lazyfs: fsynced data survives a power loss; writes, overwrites and truncations after the last fsync vanish', async (t) => {
  const { mountPoint, backing, drop } = await lazyMount(t);
  const file = join(mountPoint, 'log');
  write(file, 'durable', { fsync: true });
  fsyncDir(mountPoint);
  write(file, '+lost');
  write(file, 'XX', { flags: 'r+', position: 0 });
  assert.equal(readFileSync(file, 'utf8'), 'XXrable+lost', 'the writer reads its own unsynced writes');
  assert.equal(statSync(file).size, 12);
  assert.equal(readFileSync(join(backing, 'log'), 'utf8'), 'durable', 'the disk has only what was synced');
  const dropped = await drop();
  assert.deepEqual(dropped, { lostBytes: 4096, undone: 0 });
  assert.equal(readFileSync(file, 'utf8'), 'durable');
  assert.equal(statSync(file).size, 7);

  truncateSync(file, 3);
  assert.equal(readFileSync(file, 'utf8'), 'dur');
  await drop();
  assert.equal(readFileSync(file, 'utf8'), 'durable', 'an unsynced truncation is undone too');
  truncateSync(file, 3);
  write(file, 'ABLE');
  const fd = openSync(file, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  await drop();
  assert.equal(readFileSync(file, 'utf8'), 'durABLE', 'a truncation and a write, then fsync: both durable');
});

test('lazyfs: a new file, even fsynced, vanishes unless its directory was fsynced after it was created (POSIX)', async (t) => {
  const { mountPoint, drop } = await lazyMount(t);
  write(join(mountPoint, 'unnamed'), 'data', { fsync: true });
  write(join(mountPoint, 'named'), 'data', { fsync: true });
  fsyncDir(mountPoint);
  write(join(mountPoint, 'late'), 'data', { fsync: true });
  assert.deepEqual(await drop(), { lostBytes: 0, undone: 1 });
  assert.deepEqual(readdirSync(mountPoint).sort(), ['named', 'unnamed']);
  assert.equal(readFileSync(join(mountPoint, 'named'), 'utf8'), 'data');
});

test('lazyfs: unlink, link and rename are undone by a power loss until their directories are fsynced, with the contents they had', async (t) => {
  const { mountPoint, drop } = await lazyMount(t);
  const sub = join(mountPoint, 'sub');
  mkdirSync(sub);
  fsyncDir(mountPoint);
  for (const name of ['a', 'b', 'c']) write(join(sub, name), `${name}-durable`, { fsync: true });
  fsyncDir(sub);

  unlinkSync(join(sub, 'a'));
  linkSync(join(sub, 'b'), join(mountPoint, 'b-link'));
  renameSync(join(sub, 'c'), join(sub, 'b')); // replaces b
  assert.deepEqual(readdirSync(sub), ['b']);
  await drop();
  assert.deepEqual(readdirSync(sub).sort(), ['a', 'b', 'c']);
  assert.deepEqual(readdirSync(mountPoint), ['sub']);
  for (const name of ['a', 'b', 'c']) assert.equal(readFileSync(join(sub, name), 'utf8'), `${name}-durable`);

  unlinkSync(join(sub, 'a'));
  renameSync(join(sub, 'c'), join(mountPoint, 'moved'));
  fsyncDir(sub);
  await drop();
  assert.deepEqual(readdirSync(sub).sort(), ['b', 'c'], 'the unlink is durable; the rename needs both directories fsynced');
  renameSync(join(sub, 'c'), join(mountPoint, 'moved'));
  fsyncDir(sub);
  fsyncDir(mountPoint);
  await drop();
  assert.deepEqual(readdirSync(sub), ['b']);
  assert.equal(readFileSync(join(mountPoint, 'moved'), 'utf8'), 'c-durable');
});

test('lazyfs: a directory never made durable vanishes with everything in it, synced or not', async (t) => {
  const { mountPoint, drop, stats } = await lazyMount(t);
  const dir = join(mountPoint, 'segment-1');
  mkdirSync(dir);
  write(join(dir, 'data'), 'x'.repeat(10_000), { fsync: true });
  fsyncDir(dir);
  assert.deepEqual(await stats(), { dirtyBytes: 0, pendingChanges: 1 });
  await drop();
  assert.deepEqual(readdirSync(mountPoint), []);
});

test('lazyfs with names as a metadata journal keeps them (ext4, XFS): any fsync makes every earlier change of names durable, not later ones', async (t) => {
  const { mountPoint, drop } = await lazyMount(t, 'journal');
  mkdirSync(join(mountPoint, 'dir'));
  write(join(mountPoint, 'dir', 'unsynced'), 'lost');
  write(join(mountPoint, 'synced'), 'kept', { fsync: true });
  write(join(mountPoint, 'after'), 'lost');
  assert.deepEqual(await drop(), { lostBytes: 8192, undone: 1 });
  assert.deepEqual(readdirSync(mountPoint).sort(), ['dir', 'synced']);
  assert.equal(readFileSync(join(mountPoint, 'dir', 'unsynced'), 'utf8'), '', 'its name was committed by the later fsync, its data was not');
  assert.equal(readFileSync(join(mountPoint, 'synced'), 'utf8'), 'kept');
});

test('lazyfs: sync makes everything durable; pages written through a shared mmap and msynced survive', async (t) => {
  const { mountPoint, drop, sync } = await lazyMount(t);
  write(join(mountPoint, 'f'), 'written');
  await sync();
  assert.deepEqual(await drop(), { lostBytes: 0, undone: 0 });
  assert.equal(readFileSync(join(mountPoint, 'f'), 'utf8'), 'written');

  const index = join(mountPoint, 'index');
  write(index, '\0'.repeat(8192), { fsync: true });
  fsyncDir(mountPoint);
  // Kafka keeps its indexes in memory-mapped files and flushes them with msync (MappedByteBuffer.force).
  execFileSync('python3', ['-c', `import mmap, os\nfd = os.open(${JSON.stringify(index)}, os.O_RDWR)\nm = mmap.mmap(fd, 8192)\nm[4096:4102] = b'mapped'\nm.flush()\nm.close()\nos.close(fd)`]);
  await drop();
  assert.equal(readFileSync(index, 'utf8').slice(4096, 4102), 'mapped');
});

test('lazyfs unmounts and exits when mqbench closes its pipe, even with a file still open', async (t) => {
  const mount = await lazyMount(t);
  const fd = openSync(join(mount.mountPoint, 'open'), 'w');
  assert.ok(await isMounted(mount.mountPoint));
  await mount.unmount();
  assert.equal(await isMounted(mount.mountPoint), false, 'no mount left behind');
  try {
    closeSync(fd);
  } catch {
    // the detached mount's daemon is gone
  }
});

test("lazyfs ignores a terminal's Ctrl-C (SIGINT reaches mqbench's whole process group) and unmounts on SIGTERM", async (t) => {
  const mount = await lazyMount(t);
  const [pid] = await processesMentioning(mount.mountPoint);
  assert.ok(pid, 'the lazyfs process');
  process.kill(pid, 'SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(await isMounted(mount.mountPoint), 'still mounted after SIGINT');
  assert.deepEqual(await mount.stats(), { dirtyBytes: 0, pendingChanges: 0 });
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; (await isMounted(mount.mountPoint)) && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(await isMounted(mount.mountPoint), false, 'no mount left behind after SIGTERM');
});
