import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuSecondsFromStats, DockerContainerProbe, memoryBytesFromStats } from './docker-stats.js';

test('CPU seconds come from the cumulative total_usage in nanoseconds', () => {
  assert.equal(cpuSecondsFromStats({ cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 } } }), 2.5);
  assert.equal(cpuSecondsFromStats({}), 0);
});

test('memory is what RSS counts: anonymous memory plus mapped files (cgroup v2 and v1), not the active page cache', () => {
  // A broker that has written 2 GiB to its log: the page cache of it is active, its RSS is not that.
  const written = { usage: 2_600, stats: { anon: 700, file_mapped: 100, active_file: 1_700, inactive_file: 100 } };
  assert.equal(memoryBytesFromStats({ memory_stats: written }), 800);
  assert.equal(memoryBytesFromStats({ memory_stats: { usage: 2_600, stats: { rss: 700, mapped_file: 100, cache: 1_800 } } }), 800);
  assert.equal(memoryBytesFromStats({ memory_stats: { usage: 2_600, stats: { total_rss: 650, total_mapped_file: 50, rss: 1 } } }), 700);
});

test('without those counters, memory is usage minus reclaimable page cache (the docker stats arithmetic)', () => {
  assert.equal(memoryBytesFromStats({ memory_stats: { usage: 1000, stats: { inactive_file: 300 } } }), 700);
  assert.equal(memoryBytesFromStats({ memory_stats: { usage: 1000, stats: { total_inactive_file: 100 } } }), 900);
  assert.equal(memoryBytesFromStats({ memory_stats: { usage: 1000, stats: { cache: 50 } } }), 950);
  assert.equal(memoryBytesFromStats({ memory_stats: { usage: 10, stats: { inactive_file: 30 } } }), 0);
});

test('the container probe turns stats samples into readings, and a failing fetch into no reading', async () => {
  let call = 0;
  const probe = new DockerContainerProbe('abcdef0123456789', async () => {
    call += 1;
    if (call === 2) throw new Error('gone');
    const kernel = call === 3 ? { usage_in_kernelmode: 1.5e9 } : {};
    return { cpu_stats: { cpu_usage: { total_usage: call * 1e9, ...kernel } }, memory_stats: { usage: 2048, stats: { inactive_file: 48 } } };
  });
  assert.deepEqual(await probe.read(), { cpuSeconds: 1, rssBytes: 2000 });
  assert.equal(await probe.read(), undefined);
  assert.deepEqual(await probe.read(), { cpuSeconds: 3, rssBytes: 2000, systemCpuSeconds: 1.5 }, 'the kernel-mode part, where the engine reports it');
  assert.equal(probe.label, 'container abcdef012345');
});
