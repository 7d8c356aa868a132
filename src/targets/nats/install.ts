/** Installing nats-server for the local provider: `go install` of a pinned version into the cache. */
import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../../install/cache.js';
import { execute } from '../../install/exec.js';
import type { Installer } from '../../install/installer.js';
import { VERSIONS } from '../../install/versions.js';

/** The nats-server binary mqbench uses: $MQBENCH_NATS_SERVER, else the cached pinned build. */
export function natsServerPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.MQBENCH_NATS_SERVER ?? join(cacheDir(env), 'nats-server', VERSIONS.natsServer, 'nats-server');
}

/** Installer of nats-server. */
export const natsInstaller: Installer = {
  component: `nats-server ${VERSIONS.natsServer}`,
  async status() {
    const path = natsServerPath();
    const installed = await access(path, constants.X_OK).then(() => true, () => false);
    return {
      installed,
      detail: installed ? path : `no nats-server at ${path}`,
      fix: process.env.MQBENCH_NATS_SERVER ? 'point MQBENCH_NATS_SERVER at a nats-server binary' : 'npx mqbench install nats (needs Go)',
    };
  },
  async install(log) {
    if ((await this.status()).installed) return log(`${this.component}: already installed at ${natsServerPath()}`);
    const directory = join(cacheDir(), 'nats-server', VERSIONS.natsServer);
    await mkdir(directory, { recursive: true });
    log(`${this.component}: go install github.com/nats-io/nats-server/v2@${VERSIONS.natsServer} (about a minute)…`);
    await execute('go', ['install', `github.com/nats-io/nats-server/v2@${VERSIONS.natsServer}`], {
      env: { GOBIN: directory, CGO_ENABLED: '0', GOFLAGS: '-trimpath' },
    });
    log(`${this.component}: installed at ${natsServerPath()}`);
  },
};
