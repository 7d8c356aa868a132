/** Versions of installed npm packages (for manifests), read from their package.json. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const cache = new Map<string, string>();

/** The installed version of package `name`, or "unknown" when it cannot be found. */
export function packageVersion(name: string): string {
  const cached = cache.get(name);
  if (cached) return cached;
  let version = 'unknown';
  try {
    let dir = dirname(require.resolve(name));
    for (let depth = 0; depth < 6; depth++) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (manifest.name === name && manifest.version) {
          version = manifest.version;
          break;
        }
      } catch {
        // no package.json at this level
      }
      dir = dirname(dir);
    }
  } catch {
    // not installed
  }
  cache.set(name, version);
  return version;
}

/** mqbench's own package.json name and version (a package cannot resolve itself by name). */
export function ownPackage(): { name: string; version: string } {
  const manifest = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
  return JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string };
}

/** mqbench's own version. */
export function mqbenchVersion(): string {
  return ownPackage().version;
}
