/** Deterministic WAL test entries: the sequence number, then bytes derived from it, so any entry can be checked. */
import { createHash } from 'node:crypto';

/** The entry for `sequence` of `bytes` bytes (≥ 8). */
export function walTestEntry(sequence: number, bytes: number): Buffer {
  const entry = Buffer.alloc(bytes);
  entry.writeDoubleLE(sequence, 0);
  const fill = createHash('sha256').update(String(sequence)).digest();
  for (let offset = 8; offset < bytes; offset += fill.length) fill.copy(entry, offset, 0, Math.min(fill.length, bytes - offset));
  return entry;
}

/** The sequence number in an entry, or undefined when the entry is not exactly what walTestEntry wrote. */
export function checkWalTestEntry(entry: Buffer): number | undefined {
  if (entry.length < 8) return undefined;
  const sequence = entry.readDoubleLE(0);
  return Number.isInteger(sequence) && walTestEntry(sequence, entry.length).equals(entry) ? sequence : undefined;
}
