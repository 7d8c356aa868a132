import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { parseHostCpu, parseProcStat, procAvailable, readHostCpu, readPeakRss, readProcessTree, resetPeakRss } from './proc.js';

test('parseProcStat reads pid, ppid, CPU and RSS even when the command name has spaces and parentheses', () => {
  const fields = Array.from({ length: 50 }, () => '0');
  const line = (overrides: Record<number, string>) => {
    const copy = [...fields];
    for (const [n, value] of Object.entries(overrides)) copy[Number(n) - 3] = value;
    return `4242 (my (odd) name) ${copy.join(' ')}`;
  };
  const stat = parseProcStat(line({ 3: 'S', 4: '17', 14: '150', 15: '50', 16: '10', 17: '30', 24: '256' }), 100, 4096);
  assert.deepEqual(stat, { pid: 4242, ppid: 17, cpuSeconds: 2, childrenCpuSeconds: 0.4, systemCpuSeconds: 0.5, childrenSystemCpuSeconds: 0.3, rssBytes: 1_048_576 });
});

test('a process tree includes the children of the root', { skip: !procAvailable && 'needs Linux /proc' }, async (t) => {
  const child = spawn('sh', ['-c', 'sleep 5 & sleep 5 & wait'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const tree = await readProcessTree(child.pid!);
  assert.equal(tree[0]?.pid, child.pid);
  assert.ok(tree.length >= 3, `expected the shell and two sleeps, got ${tree.length}`);
  assert.ok(tree.every((stat) => stat.rssBytes > 0));
});

test('the peak RSS of this process can be read and reset', { skip: !procAvailable && 'needs Linux /proc' }, async () => {
  const big = Buffer.alloc(64 * 1024 * 1024, 1);
  const peakWithBuffer = await readPeakRss('self');
  assert.ok(peakWithBuffer !== undefined && peakWithBuffer > 64 * 1024 * 1024);
  big.fill(0);
  assert.equal(typeof (await resetPeakRss('self')), 'boolean');
});

test('the machine\'s CPU from /proc/stat: user + nice + system + irq + softirq as busy, steal apart, in seconds', async () => {
  const text = 'cpu  4294784 1890 2901088 4181884 180204 0 94307 63257 0 0\ncpu0 2147392 945 1450544 2090942 90102 0 47153 31628 0 0\n';
  assert.deepEqual(parseHostCpu(text, 100), { busySeconds: (4294784 + 1890 + 2901088 + 0 + 94307) / 100, stealSeconds: 632.57 });
  assert.equal(parseHostCpu('intr 1 2 3\n', 100), undefined);
  if (procAvailable) {
    const first = await readHostCpu();
    assert.ok(first && first.busySeconds > 0 && first.stealSeconds >= 0, JSON.stringify(first));
  }
});
