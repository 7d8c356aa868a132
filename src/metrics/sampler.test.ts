import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResourceProbe, ResourceReading } from './resources.js';
import { ResourceSampler } from './sampler.js';

/** A fake probe whose readings the test scripts: CPU grows by 0.05 s per read, RSS follows a list. */
class ScriptedProbe implements ResourceProbe {
  readonly label = 'scripted';
  private reads = 0;
  constructor(private readonly rss: number[], private readonly kernelPeak?: number) {}
  async read(): Promise<ResourceReading> {
    const index = Math.min(this.reads, this.rss.length - 1);
    this.reads += 1;
    return { cpuSeconds: this.reads * 0.05, rssBytes: this.rss[index]!, systemCpuSeconds: this.reads * 0.02 };
  }
  async resetPeak() {
    return this.kernelPeak !== undefined;
  }
  async peak() {
    return this.kernelPeak;
  }
}

test('the sampler reports CPU over the window, mean and peak RSS, and a series', async () => {
  const sampler = new ResourceSampler({ client: new ScriptedProbe([100, 300, 200, 200, 200, 200]), broker: new ScriptedProbe([10, 10], 50) }, 10);
  await sampler.start();
  await new Promise((resolve) => setTimeout(resolve, 45));
  const usage = await sampler.stop();
  assert.ok(usage.client.cpuSeconds > 0);
  assert.ok(usage.client.systemCpuSeconds! > 0 && Math.abs(usage.client.systemCpuSeconds! - usage.client.cpuSeconds * 0.4) < 1e-9, 'the kernel part over the same window');
  assert.equal(usage.client.peakRssBytes, 300);
  assert.equal(usage.client.peakSource, 'sampled');
  assert.ok(usage.client.meanRssBytes > 100 && usage.client.meanRssBytes < 300);
  assert.equal(usage.broker?.peakRssBytes, 50, 'the kernel peak wins when it is higher than any sample');
  assert.equal(usage.broker?.peakSource, 'kernel');
  assert.ok(usage.series.t.length >= 2);
  assert.equal(usage.series.t.length, usage.series.brokerRssBytes.length);
  assert.ok(usage.series.clientCpuCores.every((cores) => cores > 0));
});

test('a probe slower than the interval is not queued up: reads never overlap, and stop() waits for one read at most', async () => {
  let reading = 0;
  let concurrent = 0;
  let overlapped = false;
  let reads = 0;
  // Each read takes 10 intervals, as Docker's stats API (1-2 s) against a 100-250 ms sampling interval.
  const slow: ResourceProbe = {
    label: 'slow',
    async read() {
      concurrent += 1;
      overlapped ||= concurrent > 1;
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      concurrent -= 1;
      return { cpuSeconds: (reading += 1) * 0.01, rssBytes: 1 };
    },
    async resetPeak() {
      return false;
    },
    async peak() {
      return undefined;
    },
  };
  const sampler = new ResourceSampler({ client: new ScriptedProbe([1]), broker: slow }, 5);
  await sampler.start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const readsBeforeStop = reads;
  await sampler.stop();
  assert.equal(overlapped, false, 'reads overlapped');
  // Queued ticks would be ~60 reads (300 ms / 5 ms); skipped ones leave about 300 / 50 of them, plus stop's own.
  assert.ok(readsBeforeStop <= 10, `${readsBeforeStop} reads in 300 ms of 50 ms reads`);
  assert.ok(reads - readsBeforeStop <= 3, `stop() took ${reads - readsBeforeStop} more reads`);
});
