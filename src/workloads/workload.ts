/** The workload seam: a function of (driver, params, recorder) with explicit warm-up and measured phases. */
import type { PhaseRecorder } from '../metrics/recorder.js';
import type { LogDriver } from '../targets/driver.js';
import type { VectorStore } from '../targets/vector-store.js';
import type { LoadClientChannel } from './load-client.js';
import type { PayloadInfo } from './payload.js';
import type { FaultHandler } from '../faults/fault.js';

/** Progress of a trial, for progress bars. */
export interface Progress {
  phase: 'warmup' | 'measured';
  done: number;
  total: number;
  unit: 'messages' | 'operations' | 'seconds';
  /** Extra text such as "op 3/50". */
  note?: string;
}

/** What a workload gets to run one trial. */
export interface WorkloadContext<Params> {
  /** The connected target: a log driver, or a vector store (which only the vector workload can use). */
  connection: LogDriver | VectorStore;
  /** The connection as a log driver; reading it throws when the target is a vector store. */
  readonly driver: LogDriver;
  params: Params;
  warmup: { operations: number; duration: number };
  seed: number;
  /** Prefix of every topic the trial creates (unique per run, case and trial). */
  topicPrefix: string;
  /**
   * Starts a phase: returns its recorder. Starting `measured` starts the resource sampling window. With
   * `settleWrites`, the page cache is settled first where the target's data is on this machine (recorded as the
   * trial's `settled`), so a write window compared with another starts from the same state.
   */
  beginPhase(phase: 'warmup' | 'measured', options?: { settleWrites?: boolean }): Promise<PhaseRecorder>;
  /** Ends the current phase. Ending `measured` ends the resource sampling window. */
  endPhase(): Promise<void>;
  /** Topics created, so the harness can delete them after storage was measured. */
  createdTopics: string[];
  /** Aborted on Ctrl-C or when the run must stop; the workload returns promptly, keeping what it measured. */
  signal: AbortSignal;
  progress(progress: Progress): void;
  /** Records the payload bodies used. */
  setPayloadInfo(info: PayloadInfo): void;
  /** Notes failures that make the trial failed (not errored), e.g. lost or corrupt messages. */
  fail(reason: string): void;
  /** Keeps workload-specific results in the trial record (`extras[key]`), e.g. recall or a per-second series. */
  setExtra(key: string, value: unknown): void;
  /** A scratch directory of this trial (index files and the like), removed with the run's work directory. */
  scratchDir: string;
  /**
   * Starts `count` load clients connected to the trial's target (each a process with its own driver), counted in the
   * trial's client resources. Absent where the target's engine runs inside the trial's process (multiProcessClients).
   */
  loadClients?(count: number): Promise<LoadClientChannel[]>;
  /** True when load clients run on remote workers (`workers:`): then even one client runs there, not in this process. */
  remoteLoadClients?: boolean;
  /** A fresh connection to the same target (the workload closes it), e.g. after the broker was restarted. */
  reconnect(): Promise<LogDriver>;
  /**
   * Applies a fault to the target (kill, pause, power loss) on the coordinator's side and resolves once the target is
   * ready again. Absent where nothing can apply one (a worker with no coordinator behind it).
   */
  fault?: FaultHandler;
}

/** A part of a workload that runs in a load client: its spec from the trial, a driver connected there, the channel back. */
export type LoadClientRole = (spec: unknown, driver: LogDriver, channel: LoadClientChannel, signal: AbortSignal) => Promise<void>;

/** A workload implementation. */
export interface Workload<Params> {
  type: string;
  run(context: WorkloadContext<Params>): Promise<void>;
  /** The parts it can run in load clients, by role name. */
  loadClientRoles?: Record<string, LoadClientRole>;
}
