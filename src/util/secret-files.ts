/**
 * Secrets on disk: read from a file the user names (trimmed, with the setting's name in any error), and handed to a
 * tool in a file only its owner can read, removed once the tool is done, so a secret never sits on a command line.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from './errors.js';

/** The trimmed contents of `path` (undefined when no path is given); an error names `field` when it cannot be read. */
export async function readSecretFile(path: string | undefined, field: string): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new Error(`${field}: cannot read ${path}: ${errorMessage(error)}`);
  }
}

/** Runs `use` with the path of a fresh mode-0600 file named `name` holding `content`; the file is removed afterwards. */
export async function withPrivateFile<T>(name: string, content: string, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mqbench-secret-'));
  try {
    const path = join(dir, name);
    await writeFile(path, content, { mode: 0o600 });
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
