/**
 * Every warning a reader gets about one case: where mqbench's client limited a figure, where the broker paused, and
 * where other brokers or processes were busy beside it.
 */
import type { PhaseRecord } from '../metrics/recorder.js';
import type { CaseResult } from '../results/result-file.js';
import type { TrialNeighbours } from '../results/trial.js';
import { clientEfficiencyWarnings } from './client-efficiency.js';
import type { ClocksExtra } from '../workloads/clock-sync.js';

type NeighbourCpu = TrialNeighbours['measured'][number];

/** A measured phase with nothing acknowledged or delivered for this long is reported: far beyond GC or scheduling. */
export const PAUSE_WARNING_SECONDS = 5;

/** The warnings for `entry`: client efficiency, pauses of the broker, uncertain clocks, busy neighbours, a busy machine. */
export function caseWarnings(entry: CaseResult): string[] {
  return [...clientEfficiencyWarnings(entry), ...pauseWarnings(entry), ...clockWarnings(entry), ...neighbourWarnings(entry), ...hostWarnings(entry)];
}

/** Cores the hypervisor may take from the machine over a measured phase before a trial is marked. */
export const STEAL_WARNING_CORES = 0.1;
/** Cores other processes may use over a measured phase (beyond the trial's and the neighbours') before it is marked. */
export const OTHER_PROCESSES_WARNING_CORES = 0.25;

/** One warning per trial during whose measured phase the machine was shared: stolen CPU, or other processes busy. */
export function hostWarnings(entry: CaseResult): string[] {
  return entry.trials.flatMap((trial) => {
    const host = trial.host;
    if (!host) return [];
    const taken: string[] = [];
    if (host.stealCores >= STEAL_WARNING_CORES) taken.push(`the hypervisor took ${host.stealCores.toFixed(2)} cores for other guests (steal)`);
    if ((host.otherCores ?? 0) >= OTHER_PROCESSES_WARNING_CORES) taken.push(`other processes used ${host.otherCores!.toFixed(2)} cores beyond the trial's client and broker`);
    if (taken.length === 0) return [];
    return [`trial ${trial.number}: during its measured phase ${taken.join(', and ')}, of the machine's ${host.cpus}; its figures may be lower than on a quiet machine`];
  });
}

/**
 * One warning per trial beside another target's broker that was busy: still above `neighbours.quietBelow` when the
 * wait for quiet ran out, or above it on average over the measured phase.
 */
export function neighbourWarnings(entry: CaseResult): string[] {
  const cores = (list: NeighbourCpu[]) => list.map((neighbour) => `${neighbour.target} ${neighbour.cores.toFixed(2)}`).join(', ');
  return entry.trials.flatMap((trial) => {
    const neighbours = trial.neighbours;
    if (!neighbours) return [];
    const warnings: string[] = [];
    const busyAtStart = neighbours.atStart.filter((neighbour) => neighbour.cores >= neighbours.quietBelow);
    if (!neighbours.quiet && busyAtStart.length > 0) {
      warnings.push(`trial ${trial.number} began beside other targets' brokers still busy after a ${(neighbours.waitedMs / 1000).toFixed(0)} s wait (cores: ${cores(busyAtStart)}; quiet is below ${neighbours.quietBelow})`);
    }
    const busy = neighbours.measured.filter((neighbour) => neighbour.cores >= neighbours.quietBelow);
    if (busy.length > 0) {
      warnings.push(`trial ${trial.number}: other targets' brokers used CPU during its measured phase (cores: ${cores(busy)}); on a small machine its figures may be lower than alone (run the target alone to compare)`);
    }
    return warnings;
  });
}

/** One warning per trial whose load clients' clocks were known too loosely for its end-to-end figures. */
export function clockWarnings(entry: CaseResult): string[] {
  return entry.trials.flatMap((trial) => {
    const clocks = trial.extras?.clocks as ClocksExtra | undefined;
    if (!clocks?.uncertain) return [];
    const worst = clocks.clients.reduce((a, b) => (b.uncertaintyMs > a.uncertaintyMs ? b : a));
    return [
      `trial ${trial.number}: ${worst.client}'s clock is known to ±${worst.uncertaintyMs.toFixed(2)} ms (offset ${worst.offsetMs.toFixed(2)} ms), more than ${clocks.tolerance} of the end-to-end median (${clocks.e2eMedianMs?.toFixed(2)} ms): its end-to-end figures are uncertain`,
    ];
  });
}

/** One warning per trial whose measurement stood still for PAUSE_WARNING_SECONDS or more. */
export function pauseWarnings(entry: CaseResult): string[] {
  // The durability workload pauses and kills its target on purpose: its faults' windows are its result.
  if (entry.workload === 'durability') return [];
  return entry.trials.flatMap((trial) => {
    const pause = (trial as { measured?: PhaseRecord }).measured?.longestPause;
    if (!pause || pause.seconds < PAUSE_WARNING_SECONDS) return [];
    return [
      `trial ${trial.number}: nothing was acknowledged or delivered for ${pause.seconds.toFixed(1)} s from ${pause.from} (a paused or stalled broker, or client); its figures include the pause`,
    ];
  });
}
