/** Parsing and formatting of byte sizes and durations used in scenario files and reports. */

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

const DURATION_UNITS: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

const SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/** Parses "64KiB", "5MB" (SI: 1 MB = 10^6 B), "1024" or a number into a whole number of bytes; throws on bad input. */
export function parseSize(input: string | number): number {
  if (typeof input === 'number') return checkWhole(input, String(input));
  const match = SIZE_PATTERN.exec(input);
  const unit = match?.[2]?.toLowerCase() ?? '';
  const factor = unit === '' ? 1 : SIZE_UNITS[unit];
  if (!match || factor === undefined) {
    throw new Error(`"${input}" is not a size; use a number of bytes or units B, KB, MB, GB (10^3) or KiB, MiB, GiB (2^10)`);
  }
  return checkWhole(Number(match[1]) * factor, input);
}

/** Parses "200ms", "5s", "10m", "1h" or a number of milliseconds into milliseconds; throws on bad input. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new Error(`${input} is not a duration`);
    return input;
  }
  const match = SIZE_PATTERN.exec(input);
  const unit = match?.[2]?.toLowerCase() || 'ms';
  const factor = DURATION_UNITS[unit];
  if (!match || factor === undefined) {
    throw new Error(`"${input}" is not a duration; use a number with us, ms, s, m or h`);
  }
  return Number(match[1]) * factor;
}

function checkWhole(bytes: number, original: string): number {
  if (!Number.isFinite(bytes) || bytes < 0 || !Number.isInteger(bytes)) {
    throw new Error(`"${original}" is not a whole number of bytes`);
  }
  return bytes;
}

/** Formats a byte count with binary units, e.g. 5242880 → "5MiB", 1500 → "1.46KiB". */
export function formatBytes(bytes: number, digits = 2): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.abs(bytes);
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(digits).replace(/\.?0+$/, '');
  return `${bytes < 0 ? '-' : ''}${text}${units[index]}`;
}

/** Formats milliseconds compactly, e.g. 0.42 → "420µs", 1530 → "1.53s", 125000 → "2m05s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1) return `${(ms * 1000).toFixed(0)}µs`;
  if (ms < 1000) return `${trimNumber(ms, 3)}ms`;
  if (ms < 60_000) return `${trimNumber(ms / 1000, 3)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** Formats a number with `significant` significant digits, without trailing zeros. */
export function trimNumber(value: number, significant = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, significant - 1 - magnitude);
  return value.toFixed(decimals).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** Formats a count compactly, e.g. 1000000 → "1M", 50000 → "50k", 1234 → "1234". */
export function formatCount(count: number): string {
  if (count >= 1e9 && count % 1e8 === 0) return `${count / 1e9}G`;
  if (count >= 1e6 && count % 1e5 === 0) return `${count / 1e6}M`;
  if (count >= 1e4 && count % 1e3 === 0) return `${count / 1e3}k`;
  return String(count);
}
