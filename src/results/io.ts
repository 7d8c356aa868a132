/** Reading and writing result files: atomic writes, validated reads with errors that name the file and field. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { decodeHistogram } from '../metrics/histogram.js';
import { InputError, type InputIssue } from '../util/errors.js';
import { workloadDefinition } from '../workloads/registry.js';
import { issuesFromZod } from '../util/zod-issues.js';
import { resultFileSchema, RESULT_SCHEMA_VERSION, type ResultFile } from './result-file.js';

/** Writes `result` to `path` atomically (a crash never leaves half a file). */
export async function writeResultFile(path: string, result: ResultFile): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(result, null, 1)}\n`);
  await rename(temporary, path);
}

/** Reads and validates a result file; throws InputError naming the file and every bad field. */
export async function readResultFile(path: string): Promise<ResultFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError([{ source: path, path: '', message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError([{ source: path, path: '', message: `not JSON: ${(error as Error).message}` }]);
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version !== RESULT_SCHEMA_VERSION) {
    throw new InputError([
      { source: path, path: 'schemaVersion', message: `version ${version} is not supported; this mqbench reads version ${RESULT_SCHEMA_VERSION}` },
    ]);
  }
  const parsed = resultFileSchema.safeParse(data);
  if (!parsed.success) throw new InputError(issuesFromZod(parsed.error, path));
  const problems = [...sectionIssues(parsed.data, path)];
  for (const at of corruptHistograms(data, '')) problems.push({ source: path, path: at, message: 'not a valid encoded HDR histogram (the file was altered or cut)' });
  if (problems.length > 0) throw new InputError(problems);
  return parsed.data;
}

/** Every workload's own summary sections checked against their schemas (a section of another type is left alone). */
function* sectionIssues(result: ResultFile, path: string): Generator<InputIssue> {
  for (const [index, entry] of result.cases.entries()) {
    if (!entry.summary) continue;
    for (const section of workloadDefinition(entry.workload)?.sections ?? []) {
      const value = (entry.summary as unknown as Record<string, unknown>)[section.key];
      if (value === null || value === undefined) continue;
      const checked = section.schema.safeParse(value);
      if (!checked.success) yield* issuesFromZod(checked.error, path, ['cases', index, 'summary', section.key]);
    }
  }
}

/** Paths of every encoded histogram (a string under a `histograms` object) that does not decode. */
function corruptHistograms(value: unknown, at: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => corruptHistograms(item, `${at}[${index}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const path = at ? `${at}.${key}` : key;
    if (key !== 'histograms' || !item || typeof item !== 'object') return corruptHistograms(item, path);
    return Object.entries(item).flatMap(([name, encoded]) => (decodes(encoded) ? [] : [`${path}.${name}`]));
  });
}

function decodes(encoded: unknown): boolean {
  if (typeof encoded !== 'string') return false;
  try {
    decodeHistogram(encoded);
    return true;
  } catch {
    return false;
  }
}
