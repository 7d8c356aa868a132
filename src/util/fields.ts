/** Reusable zod field types for input files (scenarios, target settings): sizes, durations, names, counts. */
import { z } from 'zod';
import { parseDuration, parseSize } from './units.js';

/**
 * A number or string field converted by `parse`; a thrown error becomes a validation issue with its message.
 * `number` and `pattern` say what the JSON Schema (the editor's check) accepts; `parse` has the last word.
 */
export function parsedField<T>(parse: (value: string | number) => T, number: z.ZodNumber, pattern: RegExp) {
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
export const SIZE_STRING = /^\s*\d+(\.\d+)?\s*([bB]|[kKmMgGtT][iI]?[bB])?\s*$/;
/** A number with a duration unit (us, ms, s, m, h, any case; none means ms). */
const DURATION_STRING = /^\s*\d+(\.\d+)?\s*([uUmM][sS]|[sSmMhH])?\s*$/;
/** The help text of a size field. */
export const SIZE_HELP = 'bytes: a number, or a string with a unit such as "1KiB", "64KiB", "5MiB" (KiB = 1024, KB = 1000)';

/**
 * The largest message mqbench sends: every broker's own limit is lower or configured lower (NATS 64 MiB), and the
 * harness holds several copies of a message in memory (payload, envelope, the client's buffers).
 */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** The most of anything counted (messages, operations, vectors): every message's delivery is tracked in memory. */
export const MAX_COUNT = 1_000_000_000;
/** The longest duration: Node's timers hold at most 2^31-1 ms (a longer one silently fires after 1 ms). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** A byte size written as a number or a string with a unit ("64KiB", "5MB"); parsed to bytes. */
export const sizeField = parsedField(parseSize, z.number().int().min(0), SIZE_STRING).describe(SIZE_HELP);

/** A duration written as milliseconds or a string with a unit ("200ms", "5s", "2m"); parsed to milliseconds. */
const ABOVE_MAX_DURATION = `must be at most ${MAX_DURATION_MS} ms (about 24.8 days, the longest timer Node keeps)`;
export const durationField = parsedField(parseDuration, z.number().min(0).max(MAX_DURATION_MS, ABOVE_MAX_DURATION), DURATION_STRING)
  .refine((ms) => ms <= MAX_DURATION_MS, ABOVE_MAX_DURATION)
  .describe('milliseconds, or a string with a unit such as "200ms", "5s", "2m"');

/** A duration that must be more than zero: a timeout (0 would fail every operation at once) or a period. */
export const positiveDurationField = durationField.refine((ms) => ms > 0, 'must be more than 0');

/** Names of scenarios and targets: they become parts of file and topic names. */
export const nameField = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, 'use 1-64 letters, digits, "-", "_" or "." (starting with a letter or digit)');

/** A whole number from 1 to MAX_COUNT. */
export const countField = z.number().int().min(1).max(MAX_COUNT, `must be at most ${MAX_COUNT.toLocaleString('en-US')} (mqbench tracks each one in memory)`);
