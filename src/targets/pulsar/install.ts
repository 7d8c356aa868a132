/**
 * Installing Apache Pulsar for the local provider: the official server distribution from Maven Central
 * (org.apache.pulsar:pulsar-server-distribution:<version>:tar.gz:bin, ~245 MB), unpacked into the cache.
 */
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '../../install/cache.js';
import { execute } from '../../install/exec.js';
import type { Installer } from '../../install/installer.js';
import { VERSIONS } from '../../install/versions.js';
import { buildPubsubReference, pubsubReferenceMissing } from '../../install/go-reference.js';

/** The unpacked distribution (holds bin/pulsar and conf/). */
export function pulsarHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.MQBENCH_PULSAR_HOME ?? join(cacheDir(env), 'pulsar', VERSIONS.pulsar);
}

const MARKER = 'mqbench-installed.json';

/** Installer of the Pulsar server distribution. */
export const pulsarInstaller: Installer = {
  component: `Apache Pulsar ${VERSIONS.pulsar} (server distribution from Maven Central) + pubsub-ref (pulsar-client-go)`,
  async status() {
    const home = pulsarHome();
    const distribution = await access(join(home, MARKER)).then(() => true, () => access(join(home, 'bin', 'pulsar')).then(() => Boolean(process.env.MQBENCH_PULSAR_HOME), () => false));
    const missing = [...(distribution ? [] : [`no Pulsar distribution at ${home}`]), ...(await pubsubReferenceMissing())];
    return { installed: missing.length === 0, detail: missing.length === 0 ? home : missing.join('; '), fix: 'npx mqbench install pulsar (needs Java 17+, Maven and Go; downloads ~245 MB)' };
  },
  async install(log) {
    // The Go reference of the pub/sub operation (pulsar-client-go), built from tools/pubsub-ref.
    await buildPubsubReference(log);
    if ((await this.status()).installed) return log(`${this.component}: already installed at ${pulsarHome()}`);
    const artifact = `org.apache.pulsar:pulsar-server-distribution:${VERSIONS.pulsar}:tar.gz:bin`;
    log(`${this.component}: mvn dependency:get ${artifact} (~245 MB)…`);
    await execute('mvn', ['-q', '-B', 'dependency:get', '-Dtransitive=false', `-Dartifact=${artifact}`]);
    const repository = process.env.MQBENCH_M2_REPOSITORY ?? join(homedir(), '.m2', 'repository');
    const tarball = join(repository, 'org', 'apache', 'pulsar', 'pulsar-server-distribution', VERSIONS.pulsar, `pulsar-server-distribution-${VERSIONS.pulsar}-bin.tar.gz`);
    const home = pulsarHome();
    await rm(home, { recursive: true, force: true });
    await mkdir(home, { recursive: true });
    await execute('tar', ['xzf', tarball, '-C', home, '--strip-components=1']);
    await writeFile(join(home, MARKER), `${JSON.stringify({ pulsar: VERSIONS.pulsar, installedAt: new Date().toISOString() })}\n`);
    log(`${this.component}: installed at ${home}`);
  },
};
