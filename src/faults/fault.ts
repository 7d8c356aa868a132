/** Faults as a scenario writes them, as the worker asks the coordinator for them, and what applying one measured. */
import { z } from 'zod';
import { durationField } from '../util/fields.js';

/** The kinds of fault. */
export const FAULT_KINDS = ['kill', 'pause', 'power-loss', 'backend-kill'] as const;

/** A kind of fault. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One entry of a durability workload's `faults:` schedule. */
export const faultSpecSchema = z
  .object({
    at: durationField.describe('when, from the start of the measured writes'),
    kind: z
      .enum(FAULT_KINDS)
      .describe(
        "kill: SIGKILL of the broker's process tree, then a restart on the same data; pause: SIGSTOP for `for`, then SIGCONT; power-loss: SIGKILL, then every write never fsynced vanishes (the target's directory is on lazyfs), then a restart; backend-kill: SIGKILL and restart of the storage service under the engine (MinIO under the WAL on S3)",
      ),
    for: durationField
      .optional()
      .describe('pause: how long the broker stays stopped (default 5 s); kill, power-loss, backend-kill: how long it stays down before the restart (default 0)'),
  })
  .strict();

/** One scheduled fault. */
export type FaultSpec = z.output<typeof faultSpecSchema>;

/** What the worker asks the coordinator to do (the coordinator owns the broker's processes and the disk). */
export interface FaultRequest {
  kind: FaultKind;
  /** How long the target stays paused or down. */
  forMs: number;
}

/** What applying a fault took. */
export const faultOutcomeSchema = z.object({
  kind: z.enum(FAULT_KINDS),
  /** What was acted on, e.g. "nats-server (pid 1234)". */
  subject: z.string(),
  /** When the fault began and when the target was ready again (epoch ms). */
  startedMs: z.number(),
  readyMs: z.number(),
  /** How long the restart took until the target answered its readiness check (0 for a pause). */
  restartMs: z.number(),
  /** power-loss: what lazyfs forgot. */
  dropped: z.object({ lostBytes: z.number(), undone: z.number() }).optional(),
});

/** What applying a fault took. */
export type FaultOutcome = z.infer<typeof faultOutcomeSchema>;

/** Applies a fault to the trial's target (the coordinator's side of the seam). */
export type FaultHandler = (request: FaultRequest) => Promise<FaultOutcome>;

/** The default `for` of a fault kind, in ms. */
export function defaultFaultFor(kind: FaultKind): number {
  return kind === 'pause' ? 5000 : 0;
}
