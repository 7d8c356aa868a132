/** Typed events the run emits; the CLI only listens (progress bars on stderr), the core never prints. */
import type { ResultFile } from '../results/result-file.js';
import type { Status, TrialRecord } from '../results/trial.js';
import type { Progress } from '../workloads/workload.js';

/** Everything a listener can observe during a run. */
export type RunEvent =
  | { type: 'run-start'; scenario: string; outDir: string; cases: number; trials: number }
  | { type: 'provision-start'; target: string; provider: string }
  | { type: 'provision-end'; target: string; ok: boolean; error?: string; info?: Record<string, unknown> }
  | { type: 'trial-start'; caseId: string; label: string; target: string; trial: number; trials: number }
  | { type: 'trial-progress'; caseId: string; trial: number; progress: Progress }
  | { type: 'trial-end'; caseId: string; trial: number; record: TrialRecord }
  | { type: 'case-end'; caseId: string; status: Status }
  | { type: 'interrupted'; reason: string }
  | { type: 'run-end'; result: ResultFile; resultPath: string; reportPath: string };

/** A listener of run events. */
export type RunListener = (event: RunEvent) => void;
