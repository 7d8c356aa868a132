/** Wrapping nats.js's parser's `parse` once per name, as each of mqbench's parser adjustments does. */
import { Parser } from '@nats-io/nats-core/internal';

/** nats.js's parser's `parse`, called on the parser. */
export type ParseFunction = (this: unknown, buffer: Uint8Array) => void;

/**
 * Replaces the parser's `parse` with `wrap(parse)` unless a wrapper named `name` is in place already (true then);
 * false, leaving it alone, where `parse` is not a function or `expected()` says the parser is not as expected.
 */
export function wrapParserParse(name: string, expected: () => boolean, wrap: (parse: ParseFunction) => ParseFunction): boolean {
  const marker = Symbol.for(name);
  const prototype = Parser.prototype as unknown as { parse: ParseFunction; [marker: symbol]: true | undefined };
  if (prototype[marker]) return true;
  const parse = prototype.parse;
  if (typeof parse !== 'function' || !expected()) return false;
  prototype.parse = wrap(parse);
  prototype[marker] = true;
  return true;
}
