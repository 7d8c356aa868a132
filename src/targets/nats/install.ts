/**
 * Installing what the nats target runs locally: nats-server, and natscli for `nats bench` (the perf tool mqbench
 * calibrates its client against), each a `go install` of a pinned version into the cache.
 */
import { access, constants, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cacheDir } from '../../install/cache.js';
import { execute } from '../../install/exec.js';
import { buildPubsubReference, pubsubReferenceMissing, pubsubReferencePath } from '../../install/go-reference.js';
import type { Installer } from '../../install/installer.js';
import { VERSIONS } from '../../install/versions.js';

/** The nats-server binary mqbench uses: $MQBENCH_NATS_SERVER, else the cached pinned build. */
export function natsServerPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.MQBENCH_NATS_SERVER ?? join(cacheDir(env), 'nats-server', VERSIONS.natsServer, 'nats-server');
}

/** The natscli binary (`nats`) for `nats bench`: $MQBENCH_NATS_CLI, else the cached pinned build. */
export function natsCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.MQBENCH_NATS_CLI ?? join(cacheDir(env), 'natscli', VERSIONS.natscli, 'nats');
}

const executable = (path: string) => access(path, constants.X_OK).then(() => true, () => false);

/** Installer of nats-server, natscli and the Go reference of the pub/sub operation (nats.go). */
export const natsInstaller: Installer = {
  component: `nats-server ${VERSIONS.natsServer} + natscli ${VERSIONS.natscli} (nats bench) + pubsub-ref (nats.go)`,
  async status() {
    const [server, cli, reference] = [natsServerPath(), natsCliPath(), await pubsubReferencePath()];
    const missing = [
      ...((await executable(server)) ? [] : [`no nats-server at ${server}`]),
      ...((await executable(cli)) ? [] : [`no natscli at ${cli}`]),
      ...(await pubsubReferenceMissing()),
    ];
    return {
      installed: missing.length === 0,
      detail: missing.length === 0 ? `${server}; ${cli}; ${reference}` : missing.join('; '),
      fix: process.env.MQBENCH_NATS_SERVER ? 'point MQBENCH_NATS_SERVER (and MQBENCH_NATS_CLI) at the binaries' : 'npx mqbench install nats (needs Go)',
    };
  },
  async install(log) {
    const builds = [
      { path: natsServerPath(), module: `github.com/nats-io/nats-server/v2@${VERSIONS.natsServer}`, name: `nats-server ${VERSIONS.natsServer}` },
      { path: natsCliPath(), module: `github.com/nats-io/natscli/nats@${VERSIONS.natscli}`, name: `natscli ${VERSIONS.natscli}` },
    ];
    for (const build of builds) {
      if (await executable(build.path)) {
        log(`${build.name}: already installed at ${build.path}`);
        continue;
      }
      await mkdir(dirname(build.path), { recursive: true });
      log(`${build.name}: go install ${build.module} (about a minute)…`);
      await execute('go', ['install', build.module], { env: { GOBIN: dirname(build.path), CGO_ENABLED: '0', GOFLAGS: '-trimpath' } });
      log(`${build.name}: installed at ${build.path}`);
    }
    await buildPubsubReference(log);
  },
};
