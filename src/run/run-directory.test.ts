import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../util/errors.js';
import { claimRunDirectory, RUN_LOCK } from './run-directory.js';

const scratch = () => mkdtemp(join(tmpdir(), 'mqbench-rundir-'));

test('a default run directory is unique: an existing one gets -2, -3', async () => {
  const parent = await scratch();
  const first = await claimRunDirectory(join(parent, 'quick-20261130T000000Z'), { unique: true, flag: 'default' });
  const second = await claimRunDirectory(join(parent, 'quick-20261130T000000Z'), { unique: true, flag: 'default' });
  const third = await claimRunDirectory(join(parent, 'quick-20261130T000000Z'), { unique: true, flag: 'default' });
  assert.deepEqual(
    [first.path, second.path, third.path],
    [join(parent, 'quick-20261130T000000Z'), join(parent, 'quick-20261130T000000Z-2'), join(parent, 'quick-20261130T000000Z-3')],
  );
});

test('an --out directory held by a running mqbench is refused, and free again once released', async () => {
  const out = join(await scratch(), 'nested', 'out');
  const held = await claimRunDirectory(out, { unique: false, flag: '--out' });
  assert.equal(held.path, out);
  await assert.rejects(claimRunDirectory(out, { unique: false, flag: '--out' }), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /^--out: .* is in use by another mqbench run \(pid \d+/);
    return true;
  });
  await held.release();
  const again = await claimRunDirectory(out, { unique: false, flag: '--out' });
  await again.release();
});

test('a killed run is found by the next: its work directory goes and its result says it was killed', async () => {
  const parent = await scratch();
  const dead = join(parent, 'killed-run');
  await mkdir(join(dead, 'work', 'nats'), { recursive: true });
  const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  await writeFile(join(dead, RUN_LOCK), JSON.stringify({ pid: Number(exited.stdout), startedAt: '2026-11-30T00:00:00Z' }));
  await writeFile(join(dead, 'result.json'), JSON.stringify({ status: 'incomplete', manifest: { endedAt: null }, cases: [] }));
  const alive = join(parent, 'live-run');
  await mkdir(join(alive, 'work'), { recursive: true });
  await writeFile(join(alive, RUN_LOCK), JSON.stringify({ pid: process.pid, startedAt: 'now' }));

  const next = await claimRunDirectory(join(parent, 'next'), { unique: true, flag: 'default' });
  await next.release();
  assert.equal(existsSync(join(dead, 'work')), false);
  assert.equal(existsSync(join(dead, RUN_LOCK)), false);
  const result = JSON.parse(await readFile(join(dead, 'result.json'), 'utf8'));
  assert.match(result.reason, /mqbench was killed before the run ended/);
  assert.equal(existsSync(join(alive, 'work')), true, 'a live run is left alone');
});

test('an --out that cannot be created fails at once, naming the flag', async () => {
  const parent = await scratch();
  await writeFile(join(parent, 'a-file'), '');
  await assert.rejects(claimRunDirectory(join(parent, 'a-file', 'out'), { unique: false, flag: '--out' }), /^InputError: --out: .*a-file exists and is not a directory/);
  if (existsSync('/proc/self')) {
    // Node's recursive mkdir loops forever here (mkdir answers ENOENT under an existing parent).
    await assert.rejects(claimRunDirectory('/proc/mqbench-out', { unique: false, flag: '--out' }), /^InputError: --out: cannot create the directory \/proc\/mqbench-out/);
  }
});
