/**
 * Go programs of this repository (`tools/<name>`), built into the cache from their source and the Go modules they
 * name, keyed by a hash of that source so that an edit rebuilds them.
 */
import { createHash } from 'node:crypto';
import { access, constants, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { TOOL_ROOT } from '../util/tool-root.js';
import { cacheDir } from './cache.js';
import { execute } from './exec.js';

/** The files a build reads: Go sources, the module files, and C/C++ sources and headers for cgo. */
const SOURCE_FILE = /(\.go|\.c|\.cpp|\.h|^go\.mod|^go\.sum)$/;

/** One Go program of tools/. */
export class GoTool {
  constructor(
    /** Its folder under tools/, and the binary's name. */
    readonly name: string,
    /** What it is, for install logs ("pubsub-ref (nats.go, …)"). */
    private readonly title: string,
    /** Extra environment for `go build` (e.g. CGO_ENABLED=1). */
    private readonly buildEnv: Record<string, string> = {},
    /** Its source folder. */
    private readonly sourceDir = join(TOOL_ROOT, 'tools', name),
  ) {}

  /** Where the binary of the current source lives in the cache. */
  async path(env: NodeJS.ProcessEnv = process.env): Promise<string> {
    const hash = createHash('sha256');
    const entries = await readdir(this.sourceDir, { recursive: true, withFileTypes: true });
    const sources = entries
      .filter((entry) => entry.isFile() && SOURCE_FILE.test(entry.name))
      .map((entry) => relative(this.sourceDir, join(entry.parentPath, entry.name)))
      .sort();
    for (const file of sources) hash.update(file).update(await readFile(join(this.sourceDir, file)));
    return join(cacheDir(env), this.name, hash.digest('hex').slice(0, 16), this.name);
  }

  /** True when the binary of the current source is built. */
  async built(): Promise<boolean> {
    return access(await this.path(), constants.X_OK).then(() => true, () => false);
  }

  /** What is missing, as an installer's status lists it (empty when it is built). */
  async missing(): Promise<string[]> {
    return (await this.built()) ? [] : [`no ${this.name} at ${await this.path()}`];
  }

  /** Builds the binary (Go modules from the module proxy). */
  async build(log: (line: string) => void): Promise<void> {
    const path = await this.path();
    if (await this.built()) {
      log(`${this.title}: already built at ${path}`);
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    log(`${this.title}: go build tools/${this.name}…`);
    await execute('go', ['build', '-trimpath', '-o', path, '.'], { cwd: this.sourceDir, env: this.buildEnv, timeoutMs: 30 * 60_000 });
    log(`${this.title}: built at ${path}`);
  }
}
