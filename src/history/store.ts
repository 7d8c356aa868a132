/**
 * The history store: a directory with one small JSON file per result. Appending is creating a new file under a name
 * made of the result's time and identity, so many CI jobs can add to one store (a cache, a branch, a bucket synced
 * down and up) without locks or merge conflicts, the same result added twice is one file, and the files diff and
 * review like any other text. Reading loads every file: a thousand quick.yaml entries load and validate in 0.16–0.25 s.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../util/errors.js';
import { issuesFromZod } from '../util/zod-issues.js';
import { historyEntrySchema, HISTORY_VERSION, type HistoryEntry } from './entry.js';

/** Where the store is when no --store is given (relative to the working directory). */
export const DEFAULT_STORE = 'mqbench-history';

/** The file name of `entry`: sortable by time, unique per result. */
function fileName(entry: HistoryEntry): string {
  return `${entry.at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${entry.resultId}.json`;
}

/** Adds `entry` to the store at `dir` (created if missing); `added` is false when the result was there already. */
export async function addEntry(dir: string, entry: HistoryEntry): Promise<{ path: string; added: boolean }> {
  await mkdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new InputError([{ source: '--store', path: '', message: `cannot create the history store ${dir}: ${error.code ?? error.message}` }]);
  });
  const existing = (await readdir(dir)).find((name) => name.endsWith(`-${entry.resultId}.json`));
  if (existing) return { path: join(dir, existing), added: false };
  const path = join(dir, fileName(entry));
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(entry, null, 1)}\n`);
  await rename(temporary, path);
  return { path, added: true };
}

/** Every entry of the store at `dir`, oldest first (by `at`, then by when it was added). */
export async function loadEntries(dir: string): Promise<HistoryEntry[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist (add results with mqbench history add <result.json> --store DIR)' : `cannot be read: ${code}`;
    throw new InputError([{ source: '--store', path: '', message: `the history store ${dir} ${why}` }]);
  }
  const entries = await Promise.all(names.map((name) => readEntry(join(dir, name))));
  return entries.sort((a, b) => a.at.localeCompare(b.at) || a.addedAt.localeCompare(b.addedAt));
}

async function readEntry(path: string): Promise<HistoryEntry> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError([{ source: path, path: '', message: `not a history entry: ${(error as Error).message}` }]);
  }
  const version = (data as { historyVersion?: unknown } | null)?.historyVersion;
  if (version !== HISTORY_VERSION) {
    throw new InputError([{ source: path, path: 'historyVersion', message: `is ${JSON.stringify(version)}; this mqbench reads version ${HISTORY_VERSION}` }]);
  }
  const parsed = historyEntrySchema.safeParse(data);
  if (!parsed.success) throw new InputError(issuesFromZod(parsed.error, path));
  return parsed.data;
}
