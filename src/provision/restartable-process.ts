/**
 * A broker process that faults can kill, pause and start again: it keeps the spec it was started with, so a restart
 * runs the same command on the same data directory, config and ports, and waits for the same readiness. `stop()` and
 * `failure()` always concern the process running now.
 */
import { signalGroup, startLocalProcess, stoppedUnexpectedly, type LocalProcess, type ProcessSpec } from './local-process.js';

/** A local broker process with fault handles (it is a faults/control.ts ProcessFaults). */
export class RestartableProcess {
  /** Set between a deliberate kill and the restart, so the exit is not reported as the broker's failure. */
  private killed = false;

  private constructor(
    private readonly spec: ProcessSpec,
    private current: LocalProcess,
    private readonly stopGraceMs: number,
  ) {}

  /** Starts `spec` (see startLocalProcess); `stopGraceMs` is how long a stop waits after SIGTERM. */
  static async start(spec: ProcessSpec, stopGraceMs = 10_000): Promise<RestartableProcess> {
    return new RestartableProcess(spec, await startLocalProcess(spec), stopGraceMs);
  }

  get label(): string {
    return this.spec.name;
  }

  get logFile(): string {
    return this.current.logFile;
  }

  /** The process running now. */
  get process(): LocalProcess {
    return this.current;
  }

  pid(): number {
    return this.current.pid;
  }

  /** Stops the process running now (SIGTERM, then SIGKILL after the grace). */
  stop(): Promise<void> {
    return this.current.stop(this.stopGraceMs);
  }

  /** Why the broker is unusable (it exited by itself), or undefined. */
  failure(): string | undefined {
    return this.killed ? undefined : stoppedUnexpectedly(this.current, this.spec.name);
  }

  async kill(): Promise<void> {
    this.killed = true;
    signalGroup(this.current.pid, 'SIGKILL');
    await this.current.exited;
  }

  async restart(): Promise<number> {
    if (this.current.running()) await this.kill();
    const started = performance.now();
    this.current = await startLocalProcess(this.spec);
    this.killed = false;
    return performance.now() - started;
  }

  pause(): void {
    signalGroup(this.current.pid, 'SIGSTOP');
  }

  resume(): void {
    signalGroup(this.current.pid, 'SIGCONT');
  }
}
