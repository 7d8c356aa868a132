/** Every warning a reader gets about one case: where mqbench's client limited a figure, and where the broker paused. */
import type { PhaseRecord } from '../metrics/recorder.js';
import type { CaseResult } from '../results/result-file.js';
import { clientEfficiencyWarnings } from './client-efficiency.js';
import type { ClocksExtra } from '../workloads/clock-sync.js';

/** A measured phase with nothing acknowledged or delivered for this long is reported: far beyond GC or scheduling. */
export const PAUSE_WARNING_SECONDS = 5;

/** The warnings for `entry`: client efficiency (write, read, tool failures), pauses of the broker, uncertain clocks. */
export function caseWarnings(entry: CaseResult): string[] {
  return [...clientEfficiencyWarnings(entry), ...pauseWarnings(entry), ...clockWarnings(entry)];
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
