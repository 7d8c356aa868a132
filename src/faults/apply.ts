/** The coordinator's side of a fault: acts on what the target offers (TargetFaults) and times it. */
import type { TargetFaults, ProcessFaults } from './control.js';
import type { FaultOutcome, FaultRequest } from './fault.js';
import { nowMs, sleep } from '../util/clock.js';

/** Who the fault is applied to, for its messages. */
export interface FaultSubject {
  target: string;
  provider: string;
  faults: TargetFaults | undefined;
}

/** Applies `request` to `subject`; throws with the reason when the target offers nothing the fault can act on. */
export async function applyFault(subject: FaultSubject, request: FaultRequest, signal: AbortSignal): Promise<FaultOutcome> {
  const faults = subject.faults ?? {};
  const startedMs = nowMs();
  const done = (on: ProcessFaults, restartMs: number, extra: Partial<FaultOutcome> = {}): FaultOutcome => ({
    kind: request.kind,
    subject: `${on.label} (pid ${on.pid()})`,
    startedMs,
    readyMs: nowMs(),
    restartMs,
    ...extra,
  });
  switch (request.kind) {
    case 'pause': {
      const broker = need(faults.broker, subject, request);
      broker.pause();
      try {
        await sleep(request.forMs, signal);
      } finally {
        broker.resume();
      }
      return done(broker, 0);
    }
    case 'kill':
    case 'backend-kill': {
      const process = need(request.kind === 'kill' ? faults.broker : faults.backend, subject, request);
      await process.kill();
      await sleep(request.forMs, signal);
      return done(process, await process.restart());
    }
    case 'power-loss': {
      const broker = need(faults.broker, subject, request);
      if (!faults.disk) throw new Error(`${subject.target}: power-loss needs its directory on lazyfs, which is not mounted: ${faults.diskUnavailable ?? 'the runner did not mount it'}`);
      await broker.kill();
      const dropped = await faults.disk.drop();
      await sleep(request.forMs, signal);
      return done(broker, await broker.restart(), { dropped });
    }
  }
}

function need(process: ProcessFaults | undefined, subject: FaultSubject, request: FaultRequest): ProcessFaults {
  if (process) return process;
  if (request.kind === 'backend-kill') throw new Error(`${subject.target} has no storage service of its own to kill (backend-kill is for the WAL on S3 with the local provider)`);
  if (subject.provider === 'embedded') {
    throw new Error(
      `${subject.target}'s engine runs inside the trial's own process, so there is no broker process to ${request.kind === 'pause' ? 'pause' : 'kill'}: set its settings.process to own (with the local provider) to run the engine in a process of its own`,
    );
  }
  throw new Error(`${subject.target} with the ${subject.provider} provider offers no process to ${request.kind === 'pause' ? 'pause' : 'kill'} (faults need the local provider)`);
}
