/**
 * Whether the targets of a run acknowledge at the same durability: a target that fsyncs before acknowledging set
 * beside one that acknowledges from the OS page cache is not a like-for-like comparison, and the reader is told so,
 * with the setting that would match them.
 */
import type { ResultFile } from '../results/result-file.js';

/** The warning for `result` when its targets differ in whether a send is acknowledged after an fsync; else undefined. */
export function durabilityMismatch(result: ResultFile): string | undefined {
  // A durability run sets the settings side by side on purpose: what each one loses is its result.
  if (result.cases.length > 0 && result.cases.every((entry) => entry.workload === 'durability')) return undefined;
  const targets = Object.entries(result.manifest.targets).map(([name, target]) => {
    const durability = (target.driver?.durability ?? {}) as { fsyncBeforeAck?: boolean | null; fsyncSetting?: string };
    return { name, fsync: durability.fsyncBeforeAck, setting: durability.fsyncSetting };
  });
  const synced = targets.filter((target) => target.fsync === true);
  const unsynced = targets.filter((target) => target.fsync === false);
  if (synced.length === 0 || unsynced.length === 0) return undefined;
  const fixes = unsynced.map((target) => (target.setting ? `${target.name}: ${target.setting}` : `${target.name}: no setting fsyncs it`));
  return `durability differs: ${names(synced)} acknowledge${synced.length === 1 ? 's' : ''} a send after an fsync, ${names(unsynced)} from the OS page cache. To compare like with like, set ${fixes.join('; ')}`;
}

function names(targets: ReadonlyArray<{ name: string }>): string {
  return targets.map((target) => target.name).join(', ');
}
