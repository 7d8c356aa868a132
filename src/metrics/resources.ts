/** Resource probes (CPU seconds, RSS) for the client process and broker process trees, and their periodic sampler. */
import type { HelperUsage } from './client-helpers.js';
import { procAvailable, readPeakRss, readProcessTree, readProcStat, resetPeakRss } from './proc.js';

/** Cumulative CPU seconds and current resident memory of whatever a probe watches. */
export interface ResourceReading {
  cpuSeconds: number;
  rssBytes: number;
  /** The part of `cpuSeconds` spent in the kernel (system time), where the probe can tell. */
  systemCpuSeconds?: number;
}

/** Something whose CPU and memory can be read: a process, a process tree, a container. */
export interface ResourceProbe {
  /** What is watched, e.g. "pid 1234 and its children". */
  readonly label: string;
  /** The current reading, or undefined when the process is gone. */
  read(): Promise<ResourceReading | undefined>;
  /** Starts a new peak-RSS window where the platform tracks peaks; false when it does not. */
  resetPeak(): Promise<boolean>;
  /** Peak RSS since the last successful `resetPeak`, where tracked. */
  peak(): Promise<number | undefined>;
}

/** The harness's own process (the client; also the broker for embedded targets). */
export class SelfProbe implements ResourceProbe {
  readonly label = `this process (pid ${process.pid})`;
  async read(): Promise<ResourceReading> {
    const usage = process.cpuUsage();
    return { cpuSeconds: (usage.user + usage.system) / 1e6, rssBytes: process.memoryUsage.rss(), systemCpuSeconds: usage.system / 1e6 };
  }
  resetPeak(): Promise<boolean> {
    return procAvailable ? resetPeakRss('self') : Promise.resolve(false);
  }
  peak(): Promise<number | undefined> {
    return procAvailable ? readPeakRss('self') : Promise.resolve(undefined);
  }
}

/**
 * The harness's process and the load-client processes of the trial (`clients: N`): the client side of a trial whose
 * producers run in several processes. Forked ones are read by pid; ones on remote workers from their own reports.
 * A load client that has exited keeps the CPU it last used and no longer counts for memory. Helper processes of the
 * client (a consumer in a process of its own, see client-helpers.ts) count the same way, and come and go during a
 * trial: one that has exited no longer counts towards the peak memory.
 */
export class SelfAndLoadClientsProbe implements ResourceProbe {
  private readonly self = new SelfProbe();
  private readonly pids = new Set<number>();
  private readonly helpers = new Set<number>();
  /** Helpers that have exited (their CPU stays counted). */
  private readonly goneHelpers = new Set<number>();
  /** The last CPU seconds and peak RSS read of each load client (what it used until it exited). */
  private readonly lastCpuSeconds = new Map<number, number>();
  private readonly lastSystemCpuSeconds = new Map<number, number>();
  private readonly lastPeakRss = new Map<number, number>();
  private readonly remote = new Set<{ reading: ResourceReading; peak: number }>();

  get label(): string {
    const helpers = this.helpers.size > 0 ? ` and ${this.helpers.size} helper process${this.helpers.size === 1 ? '' : 'es'} of the client` : '';
    return `this process (pid ${process.pid}) and its load clients${this.pids.size > 0 ? ` (pids ${[...this.pids].join(', ')})` : ''}${helpers}`;
  }

  /** How many load-client processes it counts by pid (on this machine). */
  get loadClients(): number {
    return this.pids.size;
  }

  /** How many helper processes of the client it has counted. */
  get clientHelpers(): number {
    return this.helpers.size;
  }

  /** How many remote load clients it counts from their own reports. */
  get remoteLoadClients(): number {
    return this.remote.size;
  }

  /**
   * Counts a load client on another machine from now on. It cannot be read here: it reports its own cumulative CPU
   * and current RSS (every 250 ms), and the function returned takes each report. A client that ended keeps the CPU
   * it last reported and no longer counts for memory.
   */
  addRemote(): (reading: ResourceReading & { ended?: boolean }) => void {
    const state = { reading: { cpuSeconds: 0, rssBytes: 0 }, peak: 0 };
    this.remote.add(state);
    return (reading) => {
      state.reading = { cpuSeconds: reading.cpuSeconds, rssBytes: reading.ended ? 0 : reading.rssBytes };
      state.peak = Math.max(state.peak, reading.rssBytes);
    };
  }

  /** Counts the process `pid` from now on. */
  add(pid: number): void {
    this.pids.add(pid);
  }

  /** Counts the client helper process `pid` from now on (its CPU from its start). */
  addHelper(pid: number): void {
    this.helpers.add(pid);
  }

  /** Takes the CPU the helper `pid` reports on its way out, which /proc cannot give once it is gone. */
  helperExiting(pid: number, usage: HelperUsage): void {
    if (!this.helpers.has(pid)) return;
    this.lastCpuSeconds.set(pid, Math.max(usage.cpuSeconds, this.lastCpuSeconds.get(pid) ?? 0));
    this.lastSystemCpuSeconds.set(pid, Math.max(usage.systemCpuSeconds, this.lastSystemCpuSeconds.get(pid) ?? 0));
    this.goneHelpers.add(pid);
  }

  async read(): Promise<ResourceReading> {
    const pids = [...this.pids, ...[...this.helpers].filter((pid) => !this.goneHelpers.has(pid))];
    const [self, ...others] = await Promise.all([this.self.read(), ...pids.map((pid) => readProcStat(pid))]);
    const peaks = await Promise.all(pids.map((pid) => readPeakRss(pid)));
    let { cpuSeconds, rssBytes, systemCpuSeconds = 0 } = self;
    others.forEach((stat, index) => {
      const pid = pids[index]!;
      if (stat) this.lastCpuSeconds.set(pid, stat.cpuSeconds);
      if (stat) this.lastSystemCpuSeconds.set(pid, stat.systemCpuSeconds);
      if (peaks[index] !== undefined) this.lastPeakRss.set(pid, peaks[index]!);
      if (!stat && this.helpers.has(pid)) this.goneHelpers.add(pid);
      rssBytes += stat?.rssBytes ?? 0;
    });
    for (const pid of [...this.pids, ...this.helpers]) {
      cpuSeconds += this.lastCpuSeconds.get(pid) ?? 0;
      systemCpuSeconds += this.lastSystemCpuSeconds.get(pid) ?? 0;
    }
    for (const { reading } of this.remote) {
      cpuSeconds += reading.cpuSeconds;
      rssBytes += reading.rssBytes;
    }
    // Remote load clients report their CPU only as a total: then the kernel's part cannot be told.
    return this.remote.size > 0 ? { cpuSeconds, rssBytes } : { cpuSeconds, rssBytes, systemCpuSeconds };
  }

  async resetPeak(): Promise<boolean> {
    this.lastPeakRss.clear();
    for (const state of this.remote) state.peak = state.reading.rssBytes;
    const results = await Promise.all([this.self.resetPeak(), ...[...this.pids].map((pid) => resetPeakRss(pid))]);
    // A helper that has exited has nothing to reset, and no longer counts.
    await Promise.all([...this.helpers].map((pid) => resetPeakRss(pid)));
    return results.every(Boolean);
  }

  async peak(): Promise<number | undefined> {
    await this.read();
    const self = await this.self.peak();
    if (self === undefined || [...this.pids].some((pid) => !this.lastPeakRss.has(pid))) return undefined;
    const remotePeaks = [...this.remote].reduce((sum, state) => sum + state.peak, 0);
    return [...this.lastPeakRss.values()].reduce((sum, peak) => sum + peak, self + remotePeaks);
  }
}

/**
 * A process and all its descendants (e.g. a JVM started by a shell script). CPU counts live processes plus the root's
 * exited children; RSS is the sum over live processes. The tree is rediscovered every few seconds, not every read.
 */
export class ProcessTreeProbe implements ResourceProbe {
  readonly label: string;
  private pids: number[] = [];
  private discoveredAt = 0;

  constructor(
    private readonly rootPid: number,
    private readonly rediscoverMs = 3000,
  ) {
    this.label = `pid ${rootPid} and its children`;
  }

  async read(): Promise<ResourceReading | undefined> {
    if (Date.now() - this.discoveredAt > this.rediscoverMs || this.pids.length === 0) await this.discover();
    const stats = (await Promise.all(this.pids.map((pid) => readProcStat(pid)))).filter((stat) => stat !== undefined);
    const root = stats.find((stat) => stat.pid === this.rootPid);
    if (!root) return undefined;
    return {
      cpuSeconds: stats.reduce((sum, stat) => sum + stat.cpuSeconds, root.childrenCpuSeconds),
      rssBytes: stats.reduce((sum, stat) => sum + stat.rssBytes, 0),
      systemCpuSeconds: stats.reduce((sum, stat) => sum + stat.systemCpuSeconds, root.childrenSystemCpuSeconds),
    };
  }

  async resetPeak(): Promise<boolean> {
    await this.discover();
    const results = await Promise.all(this.pids.map((pid) => resetPeakRss(pid)));
    return results.length > 0 && results.every(Boolean);
  }

  async peak(): Promise<number | undefined> {
    const peaks = await Promise.all(this.pids.map((pid) => readPeakRss(pid)));
    if (peaks.length === 0 || peaks.some((peak) => peak === undefined)) return undefined;
    return peaks.reduce<number>((sum, peak) => sum + (peak ?? 0), 0);
  }

  private async discover(): Promise<void> {
    this.pids = (await readProcessTree(this.rootPid)).map((stat) => stat.pid);
    this.discoveredAt = Date.now();
  }
}
