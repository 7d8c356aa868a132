/** Entry ids: (segment, entry within the segment), totally ordered. */

/** The id of an entry. */
export interface EntryId {
  segment: number;
  entry: number;
}

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function compareEntryIds(a: EntryId, b: EntryId): number {
  return a.segment !== b.segment ? a.segment - b.segment : a.entry - b.entry;
}

/** "segment:entry". */
export function formatEntryId(id: EntryId): string {
  return `${id.segment}:${id.entry}`;
}

/** Parses "segment:entry". */
export function parseEntryId(text: string): EntryId {
  const match = /^(\d+):(\d+)$/.exec(text);
  if (!match) throw new Error(`not an entry id: "${text}"`);
  return { segment: Number(match[1]), entry: Number(match[2]) };
}
