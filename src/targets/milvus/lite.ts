/**
 * Milvus Lite 2.5 (the `milvus-lite` wheel on PyPI): Milvus's C++ core (segcore, knowhere) behind Milvus's gRPC API in
 * one process, without a message queue, storing into a local file. It is not a benchmark target (there is no mq.type
 * to compare); mqbench installs it so its Milvus client can be tested against a real Milvus server on a machine that
 * cannot run Milvus itself. It takes only FLAT, IVF_FLAT and AUTOINDEX indexes and reports no version.
 */
import { access, chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '../../install/cache.js';
import { execute } from '../../install/exec.js';
import type { Installer } from '../../install/installer.js';
import { VERSIONS } from '../../install/versions.js';
import { startLocalProcess, type LocalProcess } from '../../provision/local-process.js';
import { tcpOpen } from '../../provision/readiness.js';

const MARKER = 'mqbench-installed.json';

/** Where the wheel is unpacked (holds milvus_lite/lib/milvus and its libraries). */
export function milvusLiteHome(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'milvus-lite', VERSIONS.milvusLite);
}

function libraryDir(): string {
  return join(milvusLiteHome(), 'milvus_lite', 'lib');
}

/** Why Milvus Lite cannot run on this machine, or undefined when it can (the wheel is built for Linux x86_64 only). */
export function milvusLiteUnsupported(): string | undefined {
  return platform() === 'linux' && arch() === 'x64' ? undefined : `Milvus Lite ${VERSIONS.milvusLite} is built for Linux x86_64 only (this is ${platform()} ${arch()})`;
}

/** Installer of Milvus Lite: `pip download` of the wheel (pip checks it against PyPI's hash), unpacked with Python's zipfile. */
export const milvusLiteInstaller: Installer = {
  component: `Milvus Lite ${VERSIONS.milvusLite} (PyPI wheel; a Milvus server without a message queue, for testing mqbench's Milvus client)`,
  async status() {
    const unsupported = milvusLiteUnsupported();
    const installed = !unsupported && (await access(join(milvusLiteHome(), MARKER)).then(() => true, () => false));
    return {
      installed,
      detail: installed ? milvusLiteHome() : (unsupported ?? `no Milvus Lite at ${milvusLiteHome()}`),
      fix: unsupported ? 'none on this platform' : 'npx mqbench install milvus (needs python3 with venv; downloads ~55 MB)',
    };
  },
  async install(log) {
    const unsupported = milvusLiteUnsupported();
    if (unsupported) return log(`${this.component}: skipped: ${unsupported}`);
    if ((await this.status()).installed) return log(`${this.component}: already installed at ${milvusLiteHome()}`);
    const home = milvusLiteHome();
    const download = join(cacheDir(), 'milvus-lite', 'download');
    await rm(download, { recursive: true, force: true });
    // pip from a virtual environment of mqbench's own: Debian's python3 has no pip of its own.
    const venv = join(cacheDir(), 'python', 'pip');
    if (!(await access(join(venv, 'bin', 'pip')).then(() => true, () => false))) await execute('python3', ['-m', 'venv', venv]);
    log(`${this.component}: pip download milvus-lite==${VERSIONS.milvusLite} (~55 MB)…`);
    await execute(join(venv, 'bin', 'pip'), ['download', '--disable-pip-version-check', '--quiet', '--no-deps', '--only-binary=:all:', '--platform', 'manylinux2014_x86_64', '--python-version', '3.10', '-d', download, `milvus-lite==${VERSIONS.milvusLite}`], { timeoutMs: 900_000 });
    const wheel = (await readdir(download)).find((name) => name.endsWith('.whl'));
    if (!wheel) throw new Error(`pip download left no wheel in ${download}`);
    await rm(home, { recursive: true, force: true });
    await mkdir(home, { recursive: true });
    await execute('python3', ['-m', 'zipfile', '-e', join(download, wheel), home]);
    // A zip keeps no file modes.
    await chmod(join(libraryDir(), 'milvus'), 0o755);
    await rm(download, { recursive: true, force: true });
    await writeFile(join(home, MARKER), `${JSON.stringify({ milvusLite: VERSIONS.milvusLite, wheel, installedAt: new Date().toISOString() })}\n`);
    log(`${this.component}: installed at ${home}`);
  },
};

/** Starts Milvus Lite on 127.0.0.1:`port` over the database file `dbFile`, ready when its gRPC port accepts. */
export async function startMilvusLite(options: { dbFile: string; port: number; logFile: string; signal?: AbortSignal }): Promise<LocalProcess> {
  const lib = libraryDir();
  return startLocalProcess({
    name: `Milvus Lite ${VERSIONS.milvusLite}`,
    command: join(lib, 'milvus'),
    // The wheel's own launcher passes: the database file, the address, the log level.
    args: [options.dbFile, `127.0.0.1:${options.port}`, 'ERROR'],
    env: { LD_LIBRARY_PATH: lib },
    logFile: options.logFile,
    ready: () => tcpOpen(options.port),
    readyTimeoutMs: 60_000,
    signal: options.signal,
  });
}
