/** Measures a StorageSpec (the serialisable description of where a broker keeps its data). */
import { setTimeout as sleep } from 'node:timers/promises';
import { DirectoryStorageProbe, type StorageReading } from '../metrics/storage.js';
import type { StorageSpec } from '../targets/target.js';

/** Bytes held by the storage a spec points at. */
export async function measureStorage(spec: StorageSpec): Promise<StorageReading> {
  if (spec.kind === 'none') return { bytes: 0, apparentBytes: 0 };
  return new DirectoryStorageProbe(spec.paths).measure();
}

/** How long storage must hold still, how often to look, and the most to wait. */
export interface SettleOptions {
  quietMs: number;
  everyMs: number;
  maxMs: number;
  /** Changes up to this many bytes count as still. */
  toleranceBytes: number;
}

const SETTLE_DEFAULTS: SettleOptions = { quietMs: 1500, everyMs: 500, maxMs: 20_000, toleranceBytes: 1 << 20 };

/**
 * A reading taken once the storage has stopped changing: a shared broker frees deleted topics later (Kafka after
 * `file.delete.delay.ms`), and a baseline taken before that would make the next trial's storage look smaller.
 */
export async function settledStorage(spec: StorageSpec, options: Partial<SettleOptions> = {}): Promise<StorageReading & { settled: boolean }> {
  const { quietMs, everyMs, maxMs, toleranceBytes } = { ...SETTLE_DEFAULTS, ...options };
  const started = Date.now();
  let reading = await measureStorage(spec);
  let stillSince = Date.now();
  while (Date.now() - stillSince < quietMs) {
    if (Date.now() - started >= maxMs) return { ...reading, settled: false };
    await sleep(everyMs);
    const next = await measureStorage(spec);
    if (Math.abs(next.bytes - reading.bytes) > toleranceBytes) stillSince = Date.now();
    reading = next;
  }
  return { ...reading, settled: true };
}
