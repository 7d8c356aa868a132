/** CPU and memory of a container from the Docker stats API (the same arithmetic as `docker stats`). */
import { dockerHost, dockerRequest } from '../util/docker-api.js';
import type { ResourceProbe, ResourceReading } from './resources.js';

/** The parts of a Docker stats response mqbench reads. */
export interface DockerStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: {
    usage?: number;
    max_usage?: number;
    stats?: { inactive_file?: number; total_inactive_file?: number; cache?: number };
  };
}

/** CPU seconds the container has used: cumulative total_usage (ns) / 1e9. */
export function cpuSecondsFromStats(stats: DockerStats): number {
  return (stats.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9;
}

/**
 * Resident memory as `docker stats` shows it: usage minus the page cache that can be dropped
 * (inactive_file on cgroup v2, total_inactive_file on cgroup v1, falling back to cache).
 */
export function memoryBytesFromStats(stats: DockerStats): number {
  const memory = stats.memory_stats ?? {};
  const usage = memory.usage ?? 0;
  const reclaimable = memory.stats?.inactive_file ?? memory.stats?.total_inactive_file ?? memory.stats?.cache ?? 0;
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
    return stats ? { cpuSeconds: cpuSecondsFromStats(stats), rssBytes: memoryBytesFromStats(stats) } : undefined;
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
