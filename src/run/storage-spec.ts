/** Measures a StorageSpec (the serialisable description of where a broker keeps its data). */
import { DirectoryStorageProbe, type StorageReading } from '../metrics/storage.js';
import type { StorageSpec } from '../targets/target.js';

/** Bytes held by the storage a spec points at. */
export async function measureStorage(spec: StorageSpec): Promise<StorageReading> {
  if (spec.kind === 'none') return { bytes: 0, apparentBytes: 0 };
  return new DirectoryStorageProbe(spec.paths).measure();
}
