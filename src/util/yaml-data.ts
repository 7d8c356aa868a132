/** Data out of a parsed YAML document, with the failure to build it reported as invalid input. */
import type { Document } from 'yaml';
import { InputError } from './errors.js';

/**
 * The document's data; InputError when it cannot be built, e.g. aliases that expand beyond the YAML library's limit
 * (a "billion laughs" file).
 */
export function toData(document: Document, source: string): unknown {
  try {
    return document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw new InputError([{ source, path: '', message: `cannot be read: ${(error as Error).message.split('\n')[0]} (YAML aliases expand to too much data)` }]);
  }
}
