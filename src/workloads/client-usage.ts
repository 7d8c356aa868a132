/** A load client's own resource use, measured in its process and reported to the trial (remote clients are not sampled). */
import { readPeakRss, resetPeakRss } from '../metrics/proc.js';

/** A load client's own CPU seconds and peak RSS over its measured phase. */
export interface ClientUsage {
  cpuSeconds: number;
  peakRssBytes: number;
}

/** Starts measuring this process's usage; the function returned reads it. */
export async function ownUsageFromNow(): Promise<() => Promise<ClientUsage>> {
  const kernelPeak = await resetPeakRss('self');
  const cpu = process.cpuUsage();
  let sampledPeak = process.memoryUsage.rss();
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss())), 250).unref();
  return async () => {
    clearInterval(sampler);
    const used = process.cpuUsage(cpu);
    const peak = kernelPeak ? await readPeakRss('self') : undefined;
    return { cpuSeconds: (used.user + used.system) / 1e6, peakRssBytes: Math.max(peak ?? 0, sampledPeak, process.memoryUsage.rss()) };
  };
}
