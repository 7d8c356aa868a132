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
