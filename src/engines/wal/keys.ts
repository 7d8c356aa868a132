/**
 * Object layout of a log: `<log>/log.json`, `<log>/<segment>/<block>.blk`, `<log>/<segment>/footer.json`,
 * `<log>/readers/<name>.json`, `<log>/truncation.json`. Numbers are zero-padded so listings sort numerically.
 */

const LOG_NAME = /^[A-Za-z0-9_.-]{1,200}$/;

/** Throws unless `log` is 1-200 letters, digits, "_", "." or "-". */
export function assertLogName(log: string): void {
  if (!LOG_NAME.test(log)) throw new Error(`invalid log name "${log}": use 1-200 letters, digits, "_", "." or "-"`);
}

const pad = (value: number) => String(value).padStart(8, '0');

/** Object keys of one log. */
export const walKey = {
  log: (log: string) => `${log}/log.json`,
  logPrefix: (log: string) => `${log}/`,
  segmentPrefix: (log: string, segment: number) => `${log}/${pad(segment)}/`,
  block: (log: string, segment: number, block: number) => `${log}/${pad(segment)}/${pad(block)}.blk`,
  footer: (log: string, segment: number) => `${log}/${pad(segment)}/footer.json`,
  reader: (log: string, name: string) => `${log}/readers/${name}.json`,
  readersPrefix: (log: string) => `${log}/readers/`,
  truncation: (log: string) => `${log}/truncation.json`,
};

/** The segment number of a `<log>/<segment>/` directory name, or undefined for other names. */
export function parseSegmentDirectory(name: string): number | undefined {
  return /^\d{8}$/.test(name) ? Number(name) : undefined;
}

/** The block number of a `<block>.blk` key, or undefined for other keys. */
export function parseBlockKey(key: string): number | undefined {
  const match = /\/(\d{8})\.blk$/.exec(key);
  return match ? Number(match[1]) : undefined;
}
