/** Where mqbench itself is installed. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory mqbench is installed in (holds package.json). */
export const TOOL_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
