/** zod fields of workload parameters: message sizes (the envelope included) and payload generators. */
import { z } from 'zod';
import { MAX_MESSAGE_BYTES, parsedField, SIZE_HELP, SIZE_STRING } from '../util/fields.js';
import { parseSize } from '../util/units.js';
import { ENVELOPE_BYTES } from './envelope.js';

const BELOW_ENVELOPE = `must be at least ${ENVELOPE_BYTES} bytes (the harness envelope)`;

const ABOVE_MAX_MESSAGE = `must be at most 256 MiB (${MAX_MESSAGE_BYTES} bytes): brokers refuse larger messages (NATS at most 64 MiB), and mqbench holds several copies of each in memory`;

/** A message size: a size of at least the harness envelope, which every message carries. */
export const messageSizeField = parsedField(parseSize, z.number().int().min(ENVELOPE_BYTES, BELOW_ENVELOPE).max(MAX_MESSAGE_BYTES, ABOVE_MAX_MESSAGE), SIZE_STRING)
  .refine((bytes) => bytes >= ENVELOPE_BYTES, BELOW_ENVELOPE)
  .refine((bytes) => bytes <= MAX_MESSAGE_BYTES, ABOVE_MAX_MESSAGE)
  .describe(`${SIZE_HELP}; at least ${ENVELOPE_BYTES} (the harness envelope), at most 256MiB`);

/** How message bodies are generated: `random` (incompressible) or `window` (windows of one shared random buffer). */
export const payloadGeneratorField = z
  .enum(['random', 'window'])
  .describe(
    'random: every body is incompressible random bytes; window: every body is a window of one shared random buffer of twice the body size, as in the original Milvus benchmark (highly compressible across messages)',
  );

/** How loosely a load client's clock may be known, as a fraction of the end-to-end median, before its figures are marked. */
export const clockToleranceField = z
  .number()
  .positive()
  .optional()
  .describe("load clients (clients > 1 or remote workers): a client's clock offset is known to ± its uncertainty; end-to-end latencies of its messages are marked uncertain when that exceeds this fraction of the measured median (default 0.1; unset, it is not among the case's parameters)");

/** What an uncertain clock does to a trial. */
export const uncertainClockField = z
  .enum(['mark', 'fail'])
  .optional()
  .describe('mark (the default): record that the end-to-end figures are uncertain (extras.clocks, a warning); fail: fail the trial');

/** The defaults of the two clock fields (optional, so that a case's parameters stay as they were without them). */
export const CLOCK_DEFAULTS = { tolerance: 0.1, mode: 'mark' } as const;
