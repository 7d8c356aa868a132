/** Measuring how many bytes a broker holds: a directory's allocated and apparent size. */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes a broker holds: allocated on disk (what `du` shows) and apparent (sum of file sizes). */
export interface StorageReading {
  bytes: number;
  apparentBytes: number;
}

/** Something whose stored bytes can be measured: a data directory, a bucket. */
export interface StorageProbe {
  readonly label: string;
  measure(): Promise<StorageReading>;
}

/** Sums the sizes of every file under `directory` (0 when it does not exist). */
export async function directorySize(directory: string): Promise<StorageReading> {
  const total: StorageReading = { bytes: 0, apparentBytes: 0 };
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return total;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      const inner = await directorySize(path);
      total.bytes += inner.bytes;
      total.apparentBytes += inner.apparentBytes;
    } else {
      const stat = await lstat(path).catch(() => undefined);
      if (!stat) continue;
      total.bytes += stat.blocks * 512;
      total.apparentBytes += stat.size;
    }
  }
  return total;
}

/** A storage probe over one or more directories. */
export class DirectoryStorageProbe implements StorageProbe {
  readonly label: string;
  constructor(private readonly directories: string[]) {
    this.label = directories.join(', ');
  }
  async measure(): Promise<StorageReading> {
    const readings = await Promise.all(this.directories.map((directory) => directorySize(directory)));
    return readings.reduce((sum, reading) => ({
      bytes: sum.bytes + reading.bytes,
      apparentBytes: sum.apparentBytes + reading.apparentBytes,
    }), { bytes: 0, apparentBytes: 0 });
  }
}
