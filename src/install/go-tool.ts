/**
 * Go programs of this repository (`tools/<name>`), built into the cache from their source and the Go modules they
 * name, keyed by a hash of that source so that an edit rebuilds them.
 */
import { createHash } from 'node:crypto';
import { access, constants, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TOOL_ROOT } from '../util/tool-root.js';
import { cacheDir } from './cache.js';
import { execute } from './exec.js';

/** One Go program of tools/. */
export class GoTool {
  private readonly sourceDir: string;

  constructor(
    /** Its folder under tools/, and the binary's name. */
    readonly name: string,
    /** What it is, for install logs ("pubsub-ref (nats.go, …)"). */
    private readonly title: string,
    /** Extra environment for `go build` (e.g. CGO_ENABLED=1). */
    private readonly buildEnv: Record<string, string> = {},
  ) {
    this.sourceDir = join(TOOL_ROOT, 'tools', name);
  }

  /** Where the binary of the current source lives in the cache. */
  async path(env: NodeJS.ProcessEnv = process.env): Promise<string> {
    const hash = createHash('sha256');
    const sources = (await readdir(this.sourceDir)).filter((file) => file.endsWith('.go') || file === 'go.mod' || file === 'go.sum').sort();
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
