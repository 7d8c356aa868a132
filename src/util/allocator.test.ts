import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  allocatorChoice,
  findJemalloc,
  harnessChildEnv,
  resolveAllocator,
  restoreInheritedPreload,
} from './allocator.js';
import type { InputError } from './errors.js';

test('jemalloc is looked for where Debian and the usual library directories put it (on Linux; nowhere elsewhere)', () => {
  if (process.platform !== 'linux') {
    assert.equal(findJemalloc(() => true), undefined, 'preloading is done on Linux only');
    return;
  }
  const arch = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch as string];
  assert.equal(findJemalloc((path) => path === `/usr/lib/${arch}/libjemalloc.so.2`), `/usr/lib/${arch}/libjemalloc.so.2`);
  assert.equal(findJemalloc((path) => path === '/usr/local/lib/libjemalloc.so.2'), '/usr/local/lib/libjemalloc.so.2');
  assert.equal(findJemalloc(() => false), undefined);
});

test('auto takes jemalloc where it is and says why not where it is not; jemalloc without it is an error', () => {
  assert.deepEqual(resolveAllocator('auto', '/lib/libjemalloc.so.2'), { name: 'jemalloc', library: '/lib/libjemalloc.so.2' });
  const without = resolveAllocator('auto', undefined);
  assert.equal(without.name, 'system');
  assert.match(without.note!, /libjemalloc|Linux only/);
  assert.equal(resolveAllocator('system', '/lib/libjemalloc.so.2').name, 'system');
  assert.throws(() => resolveAllocator('jemalloc', undefined, '--allocator'), (error: InputError) => error.exitCode === 2 && /^--allocator: jemalloc asked for: /.test(error.message));
  assert.equal(allocatorChoice({}), 'auto');
  assert.equal(allocatorChoice({ MQBENCH_ALLOCATOR: 'system' }), 'system');
  assert.throws(() => allocatorChoice({ MQBENCH_ALLOCATOR: 'fast' }), (error: InputError) => error.exitCode === 2 && /MQBENCH_ALLOCATOR=fast: use one of auto, jemalloc, system/.test(error.message));
});

test("a harness child gets the allocator in front of its own LD_PRELOAD, and gives its children back theirs", () => {
  const jemalloc = { name: 'jemalloc' as const, library: '/lib/libjemalloc.so.2' };
  const child = harnessChildEnv(jemalloc, { PATH: '/bin', LD_PRELOAD: '/opt/mine.so' });
  assert.equal(child.LD_PRELOAD, '/lib/libjemalloc.so.2:/opt/mine.so');
  restoreInheritedPreload(child);
  assert.equal(child.LD_PRELOAD, '/opt/mine.so');
  const bare = harnessChildEnv(jemalloc, { PATH: '/bin' });
  assert.equal(bare.LD_PRELOAD, '/lib/libjemalloc.so.2');
  restoreInheritedPreload(bare);
  assert.equal('LD_PRELOAD' in bare, false);
  assert.deepEqual(harnessChildEnv({ name: 'system' }, { PATH: '/bin' }), { PATH: '/bin' });
  const untouched = { LD_PRELOAD: '/opt/mine.so' };
  restoreInheritedPreload(untouched);
  assert.deepEqual(untouched, { LD_PRELOAD: '/opt/mine.so' }, 'a process mqbench did not start keeps what it has');
});

test('a real child process runs with jemalloc mapped in, and what it starts runs without it (on Linux)', () => {
  if (process.platform !== 'linux') {
    assert.match(resolveAllocator('auto', findJemalloc()).note!, /Linux only/, 'elsewhere the system malloc, saying why');
    return;
  }
  const library = findJemalloc();
  assert.ok(library, 'libjemalloc.so.2 is installed (npm run setup: libjemalloc2)');
  const module = pathToFileURL(new URL('./allocator.ts', import.meta.url).pathname).href;
  // The child reports its own allocator, restores LD_PRELOAD, then starts a grandchild that reports its maps.
  const script = `
    const { allocatorInForce, restoreInheritedPreload } = await import(${JSON.stringify(module)});
    const own = allocatorInForce();
    restoreInheritedPreload();
    const { spawnSync } = await import('node:child_process');
    const grandchild = spawnSync('sh', ['-c', 'grep -c libjemalloc /proc/self/maps; echo "preload=$LD_PRELOAD"'], { encoding: 'utf8' });
    process.stdout.write(JSON.stringify({ own, grandchild: grandchild.stdout }));
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: harnessChildEnv({ name: 'jemalloc', library }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const reported = JSON.parse(run.stdout) as { own: string; grandchild: string };
  assert.equal(reported.own, 'jemalloc');
  assert.match(reported.grandchild, /^0\npreload=\n$/);
});
