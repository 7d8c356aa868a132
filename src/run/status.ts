/** How trial outcomes combine into case and run outcomes. */
import type { CaseResult } from '../results/result-file.js';
import type { Status, TrialRecord } from '../results/trial.js';

/** A case's status: errored beats failed beats incomplete beats passed; fewer trials than planned is incomplete. */
export function caseStatus(trials: readonly TrialRecord[], planned: number): Status {
  if (trials.some((trial) => trial.status === 'errored')) return 'errored';
  if (trials.some((trial) => trial.status === 'failed')) return 'failed';
  if (trials.length < planned || trials.some((trial) => trial.status === 'incomplete')) return 'incomplete';
  return 'passed';
}

/** A run's status: incomplete when interrupted, else the worst case status. */
export function runStatus(cases: readonly CaseResult[], interrupted: boolean): Status {
  if (interrupted) return 'incomplete';
  if (cases.some((entry) => entry.status === 'errored')) return 'errored';
  if (cases.some((entry) => entry.status === 'failed')) return 'failed';
  if (cases.some((entry) => entry.status === 'incomplete')) return 'incomplete';
  return 'passed';
}
