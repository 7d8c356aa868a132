/**
 * Other targets' brokers beside a trial. A run keeps every broker it started until it ends, so that targets can
 * alternate (A B A B); on a small machine one broker's background work (GC, compaction, load reports, ledger
 * trimming) takes CPU from the one being measured. Before each trial the runner waits, bounded, for the others to go
 * quiet; during the trial it samples their CPU; the trial records both, and the report warns where they were busy.
 */
import { readHostCpu } from '../metrics/proc.js';
import type { ResourceProbe } from '../metrics/resources.js';
import { availableParallelism } from 'node:os';
import type { TrialHost, TrialNeighbours, TrialRecord } from '../results/trial.js';
import { sleep } from '../util/clock.js';

/** Another target's broker, and the probe that reads its CPU. */
export interface Neighbour {
  target: string;
  probe: ResourceProbe;
}

/** When neighbours count as quiet, and how long a trial waits for them (the scenario's `neighbours`). */
export interface NeighbourPolicy {
  /** Cores. */
  quietBelow: number;
  waitMs: number;
}

/** CPU of one neighbour over a window. */
export type NeighbourCpu = TrialNeighbours['measured'][number];

/** How often the neighbours are read, and the window their quiet is judged over. */
export const NEIGHBOUR_WINDOW_MS = 1000;

interface Sample {
  atMs: number;
  cpuSeconds: number;
}

/** Cumulative CPU seconds at `atMs`, interpolated between the samples around it (clamped to the first and last). */
export function cpuAt(samples: readonly Sample[], atMs: number): number | undefined {
  if (samples.length === 0) return undefined;
  if (atMs <= samples[0]!.atMs) return samples[0]!.cpuSeconds;
  for (let index = 1; index < samples.length; index++) {
    const later = samples[index]!;
    if (atMs > later.atMs) continue;
    const earlier = samples[index - 1]!;
    const span = later.atMs - earlier.atMs;
    return span <= 0 ? later.cpuSeconds : earlier.cpuSeconds + ((later.cpuSeconds - earlier.cpuSeconds) * (atMs - earlier.atMs)) / span;
  }
  return samples.at(-1)!.cpuSeconds;
}

/**
 * Samples the neighbours' CPU, and the whole machine's: a bounded wait for the neighbours to go quiet before a trial,
 * and what each, and the machine, used over any window during it.
 */
export class NeighbourWatch {
  private readonly samples = new Map<string, Sample[]>();
  private readonly host = { busy: [] as Sample[], steal: [] as Sample[] };
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(private readonly neighbours: readonly Neighbour[]) {
    for (const { target } of neighbours) this.samples.set(target, []);
  }

  /**
   * Waits until every neighbour used less than `quietBelow` cores over the last window, at most `waitMs` (at least
   * one window is always read). `onWait` hears each window that was not quiet.
   */
  async settle(policy: NeighbourPolicy, signal: AbortSignal, onWait?: (waitedMs: number, busy: NeighbourCpu[]) => void): Promise<Pick<TrialNeighbours, 'waitedMs' | 'quiet' | 'atStart'>> {
    await this.sample();
    let firstWindowEndMs: number | undefined;
    for (;;) {
      await sleep(NEIGHBOUR_WINDOW_MS, signal);
      await this.sample();
      const nowMs = Date.now();
      firstWindowEndMs ??= nowMs;
      const atStart = this.over(nowMs - NEIGHBOUR_WINDOW_MS, nowMs);
      const busy = atStart.filter((neighbour) => neighbour.cores >= policy.quietBelow);
      const waitedMs = nowMs - firstWindowEndMs;
      if (busy.length === 0 || waitedMs >= policy.waitMs || signal.aborted) return { waitedMs, quiet: busy.length === 0, atStart };
      onWait?.(waitedMs, busy);
    }
  }

  /** Reads the neighbours and the machine now and every window until `stop`. */
  start(): void {
    // One read at a time (a container's stats can take longer than a window): the samples stay in time order.
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      this.sampling = this.sample().finally(() => (busy = false));
    };
    tick();
    this.timer = setInterval(tick, NEIGHBOUR_WINDOW_MS);
  }

  /** Stops the periodic reads after one last one. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
  }

  /** Each neighbour's CPU between `fromMs` and `toMs` (epoch ms), from the samples around them. */
  over(fromMs: number, toMs: number): NeighbourCpu[] {
    const seconds = Math.max(0.001, (toMs - fromMs) / 1000);
    return this.neighbours.flatMap(({ target }) => {
      const samples = this.samples.get(target)!;
      const from = cpuAt(samples, fromMs);
      const to = cpuAt(samples, toMs);
      if (from === undefined || to === undefined) return [];
      const cpuSeconds = Math.max(0, to - from);
      return [{ target, cpuSeconds: round(cpuSeconds), cores: round(cpuSeconds / seconds) }];
    });
  }

  /**
   * What surrounded `record`'s measured phase: the neighbours (after the wait `settled`, when there was one) and the
   * machine, as the record's `neighbours` and `host`.
   */
  surroundings(record: TrialRecord, settled: Omit<TrialNeighbours, 'measured'> | undefined): Pick<TrialRecord, 'neighbours' | 'host'> {
    const window = measuredWindow(record);
    const neighbours = settled && { ...settled, measured: this.over(...window) };
    const host = this.hostDuring(window, record, neighbours?.measured ?? []);
    return { ...(neighbours ? { neighbours } : {}), ...(host ? { host } : {}) };
  }

  /**
   * The machine over the measured phase: busy and stolen cores, and what was busy beyond the trial's own processes and
   * the neighbours (not where the client ran partly on remote workers, whose CPU is not this machine's; not for a phase
   * shorter than one window).
   */
  private hostDuring([fromMs, toMs]: [number, number], record: TrialRecord, neighbours: NeighbourCpu[]): TrialHost | undefined {
    // Read once a window, /proc/stat cannot tell what a shorter phase shared the machine with.
    if (toMs - fromMs < NEIGHBOUR_WINDOW_MS) return undefined;
    const host = this.hostOver(fromMs, toMs);
    if (!host) return undefined;
    const resources = record.resources;
    const seconds = (toMs - fromMs) / 1000;
    const ownCores = resources && !resources.remoteLoadClients && seconds > 0 ? (resources.client.cpuSeconds + (resources.broker?.cpuSeconds ?? 0)) / seconds : undefined;
    const neighbourCores = neighbours.reduce((sum, neighbour) => sum + neighbour.cores, 0);
    const otherCores = ownCores === undefined ? undefined : Math.max(0, round(host.busyCores - ownCores - neighbourCores));
    return { cpus: availableParallelism(), ...host, ...(otherCores === undefined ? {} : { otherCores }) };
  }

  /** The machine between `fromMs` and `toMs`: busy and stolen cores (undefined where /proc/stat cannot be read). */
  hostOver(fromMs: number, toMs: number): Omit<TrialHost, 'cpus' | 'otherCores'> | undefined {
    const seconds = Math.max(0.001, (toMs - fromMs) / 1000);
    const cores = (samples: Sample[]) => {
      const [from, to] = [cpuAt(samples, fromMs), cpuAt(samples, toMs)];
      return from === undefined || to === undefined ? undefined : round(Math.max(0, to - from) / seconds);
    };
    const [busyCores, stealCores] = [cores(this.host.busy), cores(this.host.steal)];
    return busyCores === undefined || stealCores === undefined ? undefined : { busyCores, stealCores };
  }

  private async sample(): Promise<void> {
    const reads = this.neighbours.map(async ({ target, probe }) => {
      // A neighbour that is gone (or cannot be read) uses no CPU here: it simply has no sample.
      const reading = await probe.read().catch(() => undefined);
      if (reading) this.samples.get(target)!.push({ atMs: Date.now(), cpuSeconds: reading.cpuSeconds });
    });
    const host = readHostCpu().then((reading) => {
      if (!reading) return;
      const atMs = Date.now();
      this.host.busy.push({ atMs, cpuSeconds: reading.busySeconds });
      this.host.steal.push({ atMs, cpuSeconds: reading.stealSeconds });
    });
    await Promise.all([...reads, host]);
  }
}

/** The epoch-ms bounds of a trial's measured phase (the whole trial where it has none, as when it errored early). */
function measuredWindow(record: TrialRecord): [number, number] {
  const phase = record.measured ?? record;
  const from = Date.parse(phase.startedAt);
  const to = Date.parse(phase.endedAt);
  return [from, Number.isFinite(to) && to >= from ? to : Date.now()];
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
