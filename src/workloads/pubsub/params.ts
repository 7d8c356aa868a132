/** Parameters of the pub/sub workload (METHODOLOGY A): repeated operations of N messages through a fresh topic. */
import { z } from 'zod';
import { countField, durationField, messageSizeField, payloadGeneratorField } from '../../scenario/fields.js';

/** Schema of `workload:` when `type: pubsub`. */
export const pubsubParamsSchema = z
  .object({
    type: z.literal('pubsub'),
    payloadBytes: messageSizeField
      .default(1024)
      .describe('size of each message as handed to the broker, including the 48-byte harness envelope'),
    messages: countField.describe('messages per operation (N)'),
    operations: countField.default(10).describe('measured operations per trial (each on a fresh topic)'),
    payload: payloadGeneratorField.default('random'),
    timeout: durationField
      .default(60_000)
      .describe('an operation fails when no message is delivered or acknowledged for this long'),
  })
  .strict();

/** Resolved pub/sub parameters. */
export type PubsubParams = z.output<typeof pubsubParamsSchema>;
