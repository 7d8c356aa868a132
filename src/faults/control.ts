/**
 * What a provisioned target lets the fault workload do to it: the broker's process (kill, pause, restart on the same
 * data and ports), the storage backend's process (the WAL's MinIO), and the disk under it (a lazyfs mount, for
 * power loss). A target offers what it really has; a fault with nothing to act on errors the trial with the reason.
 */
import type { LazyMount } from '../provision/lazy-fs.js';

/** A process that can be killed, paused and started again on the same data directory and ports. */
export interface ProcessFaults {
  /** e.g. "nats-server". */
  readonly label: string;
  /** The running process's pid (changes on restart). */
  pid(): number;
  /** SIGKILL of the whole process tree; resolves once it has exited. */
  kill(): Promise<void>;
  /** Starts it again as first started; resolves when it is ready, with the milliseconds that took. */
  restart(): Promise<number>;
  /** SIGSTOP of the whole process tree. */
  pause(): void;
  /** SIGCONT of the whole process tree. */
  resume(): void;
}

/** The handles a target offers to faults. */
export interface TargetFaults {
  broker?: ProcessFaults;
  /** The storage service under an engine (MinIO under the WAL on S3). */
  backend?: ProcessFaults;
  /** The lazyfs mount the target's directory is on (the runner mounts it when a case asks for power loss). */
  disk?: LazyMount;
  /** Why there is no such mount where one was asked for (lazyfs cannot run here). */
  diskUnavailable?: string;
}
