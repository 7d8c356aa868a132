/** Measures a StorageSpec (the serialisable description of where a broker keeps its data). */
import { fileSizes, type StorageReading } from '../metrics/storage.js';
import type { StorageSpec } from '../targets/target.js';

/** Every file's size under the storage a spec points at (empty for `none`), to diff with `grownBetween`. */
export async function snapshotStorage(spec: StorageSpec): Promise<Map<string, StorageReading>> {
  const files = new Map<string, StorageReading>();
  if (spec.kind === 'directories') for (const path of spec.paths) await fileSizes(path, files);
  return files;
}
