/**
 * CPU and memory of a container from the Docker stats API: CPU as `docker stats` counts it, memory as a process's RSS
 * counts it (so a broker in a container and the same broker as a local process are measured alike).
 */
import { dockerHost, dockerRequest } from '../util/docker-api.js';
import type { ResourceProbe, ResourceReading } from './resources.js';

/** The parts of a Docker stats response mqbench reads. */
export interface DockerStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number; usage_in_kernelmode?: number } };
  memory_stats?: {
    usage?: number;
    max_usage?: number;
    stats?: {
      /** cgroup v2: anonymous memory and mapped files. */
      anon?: number;
      file_mapped?: number;
      /** cgroup v1: the same (`total_` across the hierarchy). */
      rss?: number;
      mapped_file?: number;
      total_rss?: number;
      total_mapped_file?: number;
      inactive_file?: number;
      total_inactive_file?: number;
      cache?: number;
    };
  };
}

/** CPU seconds the container has used: cumulative total_usage (ns) / 1e9. */
export function cpuSecondsFromStats(stats: DockerStats): number {
  return (stats.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9;
}

/**
 * Resident memory as a process's RSS counts it: anonymous memory plus mapped files (cgroup v2 `anon` + `file_mapped`,
 * v1 `rss` + `mapped_file`). `docker stats` shows usage minus inactive page cache instead, which also counts the page
 * cache a broker's writes leave active: Kafka writing 5 MiB messages showed 2.5 GiB that way against 0.8 GiB of RSS
 * as a local process. Where those counters are missing, that arithmetic is the fallback.
 */
export function memoryBytesFromStats(stats: DockerStats): number {
  const memory = stats.memory_stats ?? {};
  const counters = memory.stats ?? {};
  const anon = counters.anon ?? counters.total_rss ?? counters.rss;
  if (anon !== undefined) return anon + (counters.file_mapped ?? counters.total_mapped_file ?? counters.mapped_file ?? 0);
  const usage = memory.usage ?? 0;
  const reclaimable = counters.inactive_file ?? counters.total_inactive_file ?? counters.cache ?? 0;
  return Math.max(0, usage - reclaimable);
}

/** A probe over a container, reading one stats sample per read (the `stream: false` API). */
export class DockerContainerProbe implements ResourceProbe {
  readonly label: string;
  constructor(
    private readonly containerId: string,
    private readonly fetchStats: (id: string) => Promise<DockerStats>,
  ) {
    this.label = `container ${containerId.slice(0, 12)}`;
  }
  async read(): Promise<ResourceReading | undefined> {
    const stats = await this.fetchStats(this.containerId).catch(() => undefined);
    if (!stats) return undefined;
    const kernelNs = stats.cpu_stats?.cpu_usage?.usage_in_kernelmode;
    return { cpuSeconds: cpuSecondsFromStats(stats), rssBytes: memoryBytesFromStats(stats), ...(kernelNs === undefined ? {} : { systemCpuSeconds: kernelNs / 1e9 }) };
  }
  async resetPeak(): Promise<boolean> {
    return false;
  }
  async peak(): Promise<number | undefined> {
    return undefined;
  }
}

/**
 * Fetches one stats sample of a container. `one-shot` answers at once: without it the engine waits for a second
 * sample to fill in `precpu_stats` (1-2 s here), which mqbench does not use (it takes cumulative CPU time).
 */
export async function dockerStats(containerId: string): Promise<DockerStats> {
  const answer = await dockerRequest(dockerHost(), 'GET', `/containers/${encodeURIComponent(containerId)}/stats?stream=false&one-shot=true`, 10_000);
  if (answer.status !== 200) throw new Error(`stats of container ${containerId.slice(0, 12)}: HTTP ${answer.status}`);
  return answer.body as DockerStats;
}
