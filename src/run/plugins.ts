/** Plugins: modules listed in MQBENCH_PLUGINS (comma-separated paths) are imported before a command or worker runs. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../util/errors.js';

/** Imports every plugin module (each may call registerTarget). */
export async function loadPlugins(list: string | undefined = process.env.MQBENCH_PLUGINS): Promise<void> {
  for (const path of (list ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    try {
      await import(pathToFileURL(resolve(path)).href);
    } catch (error) {
      throw new InputError([{ source: 'MQBENCH_PLUGINS', path, message: `cannot load plugin: ${(error as Error).message}` }]);
    }
  }
}
