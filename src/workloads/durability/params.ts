/** Parameters of the durability workload: acknowledged writes at a rate, faults on a schedule, then a full read-back. */
import { z } from 'zod';
import { defaultFaultFor, faultSpecSchema, type FaultSpec } from '../../faults/fault.js';
import { countField, durationField, positiveDurationField } from '../../util/fields.js';
import { messageSizeField, payloadGeneratorField } from '../fields.js';

/** The fields of `workload:` when `type: durability` (without cross-field rules). */
export const durabilityParamsObject = z
  .object({
    type: z.literal('durability'),
    payloadBytes: messageSizeField.default(1024).describe('size of each message, including the 48-byte harness envelope'),
    rate: z.number().positive().default(1000).describe('messages per second (open loop: each send at its time, whatever the target does)'),
    duration: positiveDurationField.default(30_000).describe('how long the writes go on, faults included'),
    faults: z
      .array(faultSpecSchema)
      .default([])
      .describe('what happens to the target while it is written, in time order, e.g. [{ at: 10s, kind: kill }, { at: 20s, kind: pause, for: 5s }]'),
    sendTimeout: positiveDurationField
      .default(10_000)
      .describe('a send neither acknowledged nor failed after this long counts as timed out (an acknowledgement that still comes later counts as late)'),
    maxInFlight: countField.default(20_000).describe('sends outstanding at most; a due send waits beyond that (it goes out late)'),
    recoveryWait: durationField
      .default(30_000)
      .describe(
        'when the target has not acknowledged a write since it was ready again after the last fault by the end of duration, the writes go on until it has (and one second more), at most this much longer; 0 ends them at duration',
      ),
    readIdle: positiveDurationField
      .default(15_000)
      .describe('the read-back ends when every message sent was read, or nothing arrived for this long (before its first message, for this plus recoveryWait)'),
    payload: payloadGeneratorField.default('random'),
    lateAfter: durationField.default(1).describe('a send later than this after its intended time counts as late'),
  })
  .strict();

/** Schema of `workload:` when `type: durability`, with its cross-field rules. */
export const durabilityParamsSchema = durabilityParamsObject.superRefine((params, ctx) => {
  let previousEnd = 0;
  params.faults.forEach((fault, index) => {
    if (fault.at >= params.duration) {
      ctx.addIssue({ code: 'custom', path: ['faults', index, 'at'], message: `at ${fault.at} ms is not within the writes (duration ${params.duration} ms)` });
    }
    if (fault.at < previousEnd) {
      ctx.addIssue({ code: 'custom', path: ['faults', index, 'at'], message: `faults must be in time order and not overlap: this one begins at ${fault.at} ms, before the previous one's planned end (${previousEnd} ms)` });
    }
    previousEnd = fault.at + faultFor(fault);
  });
});

/** Resolved durability parameters. */
export type DurabilityParams = z.output<typeof durabilityParamsSchema>;

/** How long a fault keeps the target paused or down (ms). */
export function faultFor(fault: FaultSpec): number {
  return fault.for ?? defaultFaultFor(fault.kind);
}
