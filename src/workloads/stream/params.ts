/** Parameters of the stream workload: producers on one topic, open-loop at a rate or closed-loop with sends in flight. */
import { z } from 'zod';
import { countField, durationField, positiveDurationField } from '../../util/fields.js';
import { clockToleranceField, messageSizeField, payloadGeneratorField, uncertainClockField } from '../fields.js';

/** The fields of `workload:` when `type: stream` (without cross-field rules; see streamParamsSchema). */
export const streamParamsObject = z
  .object({
    type: z.literal('stream'),
    payloadBytes: messageSizeField
      .default(1024)
      .describe('size of each message, including the 48-byte harness envelope'),
    producers: countField.default(1).describe('producers on the one topic'),
    clients: countField
      .default(1)
      .describe(
        "processes the producers run in (kafka, nats, pulsar): with more than one, the producers are dealt out among that many load-client processes, their latencies and acknowledgements merged into the trial's and every message still verified by the trial's consumer; for when one Node.js process is the limit",
      ),
    mode: z
      .enum(['closed-loop', 'open-loop'])
      .default('closed-loop')
      .describe('closed-loop: keep `inFlight` sends outstanding per producer (max-throughput discovery); open-loop: send at `rate`, timed from the intended send time'),
    inFlight: countField.default(1).describe('closed-loop: sends outstanding per producer'),
    rate: z.number().positive().optional().describe('open-loop: messages per second over all producers'),
    messages: countField.optional().describe('measured messages over all producers (with or instead of duration)'),
    duration: durationField.optional().describe('measured time (with or instead of messages)'),
    consumer: z
      .enum(['tail', 'after'])
      .default('tail')
      .describe(
        'tail: a consumer reads while the producers write (end-to-end latency is recorded); after: it reads everything back once the measured writes are acknowledged — a write-only measurement like Woodpecker\'s benchmark, delivery still verified, no end-to-end latency',
      ),
    toolCeiling: z
      .boolean()
      .default(true)
      .describe(
        "closed-loop, on targets with one: after the trial, run the broker's own perf tool (Kafka ProducerPerformance, nats bench, pulsar-perf) against the same broker with the same message size, message count and sends outstanding, and report mqbench's write rate as a ratio to it (clientEfficiency); with consumer: after, the tool's consumer (ConsumerPerformance, nats bench js consume, pulsar-perf consume) also reads the trial's backlog, for the read side's ratio (readEfficiency)",
      ),
    clockTolerance: clockToleranceField,
    uncertainClock: uncertainClockField,
    payload: payloadGeneratorField.default('random'),
    lateAfter: durationField.default(1).describe('open-loop: a send later than this after its intended time counts as late'),
    timeout: positiveDurationField.default(60_000).describe('the trial fails when nothing is acknowledged or delivered for this long'),
  })
  .strict();

/** Schema of `workload:` when `type: stream`, with its cross-field rules. */
export const streamParamsSchema = streamParamsObject.superRefine((params, ctx) => {
  if (params.messages === undefined && params.duration === undefined) {
    ctx.addIssue({ code: 'custom', path: ['messages'], message: 'give messages, duration, or both' });
  }
  if (params.clients > params.producers) {
    ctx.addIssue({ code: 'custom', path: ['clients'], message: `${params.clients} clients need at least as many producers (producers is ${params.producers})` });
  }
  if (params.mode === 'open-loop' && params.rate === undefined) {
    ctx.addIssue({ code: 'custom', path: ['rate'], message: 'open-loop needs a rate (messages per second)' });
  }
});

/** Resolved stream parameters. */
export type StreamParams = z.output<typeof streamParamsSchema>;

/** How many messages a trial's pool of distinct bodies is sized for (PayloadSource's `messages`). */
export function payloadPoolSize(params: StreamParams): number {
  const expected = params.messages ?? (params.rate ?? 10_000) * ((params.duration ?? 60_000) / 1000);
  return Math.min(expected, 100_000);
}

/** Whether the broker's perf tool runs after a trial with `params` (on targets that have one). */
export function runsTool(params: StreamParams): boolean {
  return params.mode === 'closed-loop' && params.toolCeiling;
}

/** Whether that tool's consumer then reads the trial's backlog back (the trial read it back itself after its writes). */
export function toolReadsBack(params: StreamParams): boolean {
  return runsTool(params) && params.consumer === 'after';
}
