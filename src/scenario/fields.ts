/** Reusable zod field types for scenario files: sizes, durations, names. */
import { z } from 'zod';
import { parseDuration, parseSize } from '../util/units.js';
import { ENVELOPE_BYTES } from '../workloads/envelope.js';

/**
 * A number or string field converted by `parse`; a thrown error becomes a validation issue with its message.
 * `number` and `pattern` say what the JSON Schema (the editor's check) accepts; `parse` has the last word.
 */
function parsedField<T>(parse: (value: string | number) => T, number: z.ZodNumber, pattern: RegExp) {
  // The pattern goes to the JSON Schema only: the parser's own message (naming the value and the units) stays the CLI's.
  return z.union([number, z.string().meta({ pattern: pattern.source })]).transform((value, ctx) => {
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
}

/** A number with a size unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB, any case), as JSON Schema patterns allow it (no flags). */
const SIZE_STRING = /^\s*\d+(\.\d+)?\s*([bB]|[kKmMgGtT][iI]?[bB])?\s*$/;
/** A number with a duration unit (us, ms, s, m, h, any case; none means ms). */
const DURATION_STRING = /^\s*\d+(\.\d+)?\s*([uUmM][sS]|[sSmMhH])?\s*$/;
const SIZE_HELP = 'bytes: a number, or a string with a unit such as "1KiB", "64KiB", "5MiB" (KiB = 1024, KB = 1000)';

/** A byte size written as a number or a string with a unit ("64KiB", "5MB"); parsed to bytes. */
export const sizeField = parsedField(parseSize, z.number().int().min(0), SIZE_STRING).describe(SIZE_HELP);

const BELOW_ENVELOPE = `must be at least ${ENVELOPE_BYTES} bytes (the harness envelope)`;

/** A message size: a size of at least the harness envelope, which every message carries. */
export const messageSizeField = parsedField(parseSize, z.number().int().min(ENVELOPE_BYTES, BELOW_ENVELOPE), SIZE_STRING)
  .refine((bytes) => bytes >= ENVELOPE_BYTES, BELOW_ENVELOPE)
  .describe(`${SIZE_HELP}; at least ${ENVELOPE_BYTES} (the harness envelope)`);

/** A duration written as milliseconds or a string with a unit ("200ms", "5s", "2m"); parsed to milliseconds. */
export const durationField = parsedField(parseDuration, z.number().min(0), DURATION_STRING).describe('milliseconds, or a string with a unit such as "200ms", "5s", "2m"');

/** Names of scenarios and targets: they become parts of file and topic names. */
export const nameField = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, 'use 1-64 letters, digits, "-", "_" or "." (starting with a letter or digit)');

/** A whole number ≥ 1. */
export const countField = z.number().int().min(1);

/** How message bodies are generated: `random` (incompressible) or `window` (windows of one shared random buffer). */
export const payloadGeneratorField = z
  .enum(['random', 'window'])
  .describe(
    'random: every body is incompressible random bytes; window: every body is a window of one shared random buffer of twice the body size, as in the original Milvus benchmark (highly compressible across messages)',
  );
