/**
 * Test helper: validates a JUnit XML file against Maven Surefire's schema (fetched by the setup script into the
 * cache) with the JDK's XML Schema validator, as Java CI tooling reads it.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../install/cache.js';
import { execute } from '../install/exec.js';

/** Where the setup script puts Surefire's JUnit XML schema. */
export const SUREFIRE_XSD = join(cacheDir(), 'schemas', 'surefire-test-report-3.5.2.xsd');

/** Resolves "valid", or rejects with the validator's first error (line, column, message). */
export async function validateJunit(file: string): Promise<string> {
  await access(SUREFIRE_XSD).catch(() => {
    throw new Error(`no JUnit schema at ${SUREFIRE_XSD}: run npm run setup`);
  });
  return (await execute('java', [join('scripts', 'validate-xml', 'ValidateXml.java'), SUREFIRE_XSD, file], { timeoutMs: 60_000 })).trim();
}
