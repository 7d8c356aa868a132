/** Periodic sampling of broker and client resources over a trial: CPU seconds, mean/peak RSS and a time series. */
import { z } from 'zod';
import type { ResourceProbe, ResourceReading } from './resources.js';

/** Resource figures of one side (broker or client) over a sampled window. */
export const sideUsageSchema = z.object({
  cpuSeconds: z.number(),
  /** The kernel's part of `cpuSeconds` (system time), where the probe can tell: syscalls, page faults, the I/O path. */
  systemCpuSeconds: z.number().optional(),
  peakRssBytes: z.number(),
  meanRssBytes: z.number(),
  /** How the peak was obtained: the kernel's high-water mark, or the highest periodic sample. */
  peakSource: z.enum(['kernel', 'sampled']),
});

/** CPU and memory of one side (broker or client) over a sampled window. */
export type SideUsage = z.infer<typeof sideUsageSchema>;

/** The time series of a sampled window: seconds since its start, CPU in cores, RSS in bytes. */
export const resourceSeriesSchema = z.object({
  t: z.array(z.number()),
  brokerCpuCores: z.array(z.number()),
  clientCpuCores: z.array(z.number()),
  brokerRssBytes: z.array(z.number()),
  clientRssBytes: z.array(z.number()),
});

/** The time series of a sampled window. */
export type ResourceSeries = z.infer<typeof resourceSeriesSchema>;

/** What a sampler reports when stopped. `broker` is absent when the broker runs inside the client process. */
export interface ResourceUsage {
  broker?: SideUsage;
  client: SideUsage;
  series: ResourceSeries;
}

class SideTracker {
  private first: ResourceReading | undefined;
  private last: ResourceReading | undefined;
  private rssTotal = 0;
  private rssSamples = 0;
  private rssMax = 0;
  private kernelPeak = false;

  constructor(readonly probe: ResourceProbe) {}

  async start(): Promise<void> {
    this.kernelPeak = await this.probe.resetPeak();
    this.first = await this.probe.read();
    this.last = this.first;
    if (this.first) this.note(this.first);
  }

  async sample(): Promise<{ reading: ResourceReading; cpuDelta: number } | undefined> {
    const reading = await this.probe.read();
    if (!reading) return undefined;
    const cpuDelta = reading.cpuSeconds - (this.last?.cpuSeconds ?? reading.cpuSeconds);
    this.last = reading;
    this.note(reading);
    return { reading, cpuDelta };
  }

  async finish(): Promise<SideUsage> {
    await this.sample();
    const kernelPeak = this.kernelPeak ? await this.probe.peak() : undefined;
    const [firstSystem, lastSystem] = [this.first?.systemCpuSeconds, this.last?.systemCpuSeconds];
    return {
      cpuSeconds: Math.max(0, (this.last?.cpuSeconds ?? 0) - (this.first?.cpuSeconds ?? 0)),
      ...(firstSystem === undefined || lastSystem === undefined ? {} : { systemCpuSeconds: Math.max(0, lastSystem - firstSystem) }),
      peakRssBytes: Math.max(kernelPeak ?? 0, this.rssMax),
      meanRssBytes: this.rssSamples === 0 ? 0 : this.rssTotal / this.rssSamples,
      peakSource: kernelPeak === undefined ? 'sampled' : 'kernel',
    };
  }

  private note(reading: ResourceReading): void {
    this.rssTotal += reading.rssBytes;
    this.rssSamples += 1;
    this.rssMax = Math.max(this.rssMax, reading.rssBytes);
  }
}

/** Samples a client probe and an optional broker probe every `intervalMs` between `start()` and `stop()`. */
export class ResourceSampler {
  private readonly client: SideTracker;
  private readonly broker: SideTracker | undefined;
  private readonly series: ResourceSeries = { t: [], brokerCpuCores: [], clientCpuCores: [], brokerRssBytes: [], clientRssBytes: [] };
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private lastSampleAt = 0;
  private sampling: Promise<void> = Promise.resolve();
  /** A periodic sample is being taken. */
  private busy = false;

  constructor(
    probes: { client: ResourceProbe; broker?: ResourceProbe },
    private readonly intervalMs: number,
  ) {
    this.client = new SideTracker(probes.client);
    this.broker = probes.broker ? new SideTracker(probes.broker) : undefined;
  }

  /** Takes the first readings and starts the periodic samples. */
  async start(): Promise<void> {
    await Promise.all([this.client.start(), this.broker?.start()]);
    this.startedAt = performance.now();
    this.lastSampleAt = this.startedAt;
    // A tick that finds the previous sample still being taken is skipped, not queued: a probe slower than the interval
    // (Docker's stats API took 1-2 s a read) would otherwise pile up reads that stop() then waits for, minutes of them.
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.sampling = this.sampleOnce()
        .catch(() => undefined)
        .finally(() => (this.busy = false));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops sampling and returns the usage over the window. */
  async stop(): Promise<ResourceUsage> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sampleOnce();
    const [client, broker] = await Promise.all([this.client.finish(), this.broker?.finish()]);
    return broker ? { broker, client, series: this.series } : { client, series: this.series };
  }

  private async sampleOnce(): Promise<void> {
    const now = performance.now();
    const elapsed = (now - this.lastSampleAt) / 1000;
    this.lastSampleAt = now;
    const [client, broker] = await Promise.all([this.client.sample(), this.broker?.sample()]);
    if (!client || elapsed <= 0) return;
    this.series.t.push(Number(((now - this.startedAt) / 1000).toFixed(3)));
    this.series.clientCpuCores.push(client.cpuDelta / elapsed);
    this.series.clientRssBytes.push(client.reading.rssBytes);
    if (this.broker) {
      this.series.brokerCpuCores.push(broker ? broker.cpuDelta / elapsed : 0);
      this.series.brokerRssBytes.push(broker?.reading.rssBytes ?? 0);
    }
  }
}
