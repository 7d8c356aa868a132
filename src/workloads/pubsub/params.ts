/** Parameters of the pub/sub workload (METHODOLOGY A): repeated operations of N messages through a fresh topic. */
import { z } from 'zod';
import { countField, positiveDurationField } from '../../util/fields.js';
import { clockToleranceField, messageSizeField, payloadGeneratorField, uncertainClockField } from '../fields.js';

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
    clients: countField
      .optional()
      .describe(
        "load clients the operations' producer runs in (kafka, nats, pulsar), operation k in client k mod N; with workers: on the workers, even with one (default 1: in the trial's process). The consumer, and the check of every message, stays in the trial's process",
      ),
    clockTolerance: clockToleranceField,
    uncertainClock: uncertainClockField,
    reference: z
      .boolean()
      .default(false)
      .describe(
        "on targets with one: after the trial, run the same operations through what Milvus uses — for nats, pulsar and kafka its Go client against the same broker (tools/pubsub-ref), for rocksmq Milvus's own RocksMQ on the same disk (tools/rocksmq-ref) — and report mqbench's round trip as a ratio to it (clientEfficiency: the reference's seconds per operation over mqbench's)",
      ),
    timeout: positiveDurationField
      .default(60_000)
      .describe('an operation fails when no message is delivered or acknowledged for this long'),
  })
  .strict();

/** Resolved pub/sub parameters. */
export type PubsubParams = z.output<typeof pubsubParamsSchema>;
