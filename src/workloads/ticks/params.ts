/** Parameters of the ticks workload: Milvus-style time ticks on N channels while data loads the same broker. */
import { z } from 'zod';
import { countField, durationField, positiveDurationField } from '../../util/fields.js';
import { messageSizeField, payloadGeneratorField } from '../fields.js';

/** Schema of `workload:` when `type: ticks`. */
export const ticksParamsSchema = z
  .object({
    type: z.literal('ticks'),
    channels: countField.default(16).describe('channels (topics), like Milvus DML channels'),
    tickInterval: positiveDurationField.default(200).describe('time-tick period per channel (Milvus: 200 ms)'),
    dataRate: z.number().min(0).default(1000).describe('data messages per second over all channels (0 = ticks only)'),
    payloadBytes: messageSizeField
      .default(4096)
      .describe('size of each data message'),
    duration: durationField.default(30_000).describe('measured time'),
    payload: payloadGeneratorField.default('random'),
    timeout: positiveDurationField.default(30_000).describe('the trial fails when nothing is acknowledged or delivered for this long'),
  })
  .strict();

/** Resolved ticks parameters. */
export type TicksParams = z.output<typeof ticksParamsSchema>;
