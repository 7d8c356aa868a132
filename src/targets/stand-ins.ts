/**
 * mqbench's stand-in images: where no registry can be reached (as on the development machine), the docker provider
 * runs images built here from what `mqbench install` already has, under the official images' names, in an engine that
 * has not got the official ones. Each offers what mqbench uses of its official image (binary location, entrypoint,
 * configuration conventions, data path); docs/providers.md says what they do not reproduce. The Dockerfiles are in
 * docker/stand-ins/<name>/, with the label org.mqbench.stand-in-for naming the image they stand in for.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMAGES } from '../install/versions.js';
import { natsServerPath } from './nats/install.js';
import { minioPath } from './wal/install.js';
import { kafkaHome } from './kafka/install.js';
import { pulsarHome } from './pulsar/install.js';
import { execute } from '../install/exec.js';
import { dockerHost, importImage } from '../util/docker-api.js';
import { localImage } from '../provision/docker-engine.js';
import { testcontainers } from '../util/testcontainers.js';

/** One stand-in image. */
export interface StandIn {
  /** Its folder under docker/stand-ins. */
  name: string;
  /** The official image it stands in for (and the name it is tagged with). */
  image: string;
  /** Files and folders from mqbench's cache put into the build context beside the Dockerfile: source → name there. */
  files(): Record<string, string>;
  /** Built on mqbench's Debian base with a JRE (passed as the build argument BASE). */
  jvm?: boolean;
}

/** The stand-ins mqbench can build. */
export const STAND_INS: readonly StandIn[] = [
  { name: 'nats', image: IMAGES.nats, files: () => ({ [natsServerPath()]: 'nats-server' }) },
  { name: 'minio', image: IMAGES.minio, files: () => ({ [minioPath()]: 'minio' }) },
  { name: 'kafka', image: IMAGES.kafka, files: () => ({ [join(kafkaHome(), 'libs')]: 'libs' }), jvm: true },
  { name: 'pulsar', image: IMAGES.pulsar, files: () => ({ [pulsarHome()]: 'pulsar' }), jvm: true },
];

/** mqbench's Debian base with OpenJDK 17 and python3 (docker/stand-ins/base/README.md). */
export const STAND_IN_BASE = 'mqbench-stand-in/debian-jre:bookworm';
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
const BASE_TIMEOUT_MS = 15 * 60_000;

const STAND_INS_DIR = fileURLToPath(new URL('../../docker/stand-ins/', import.meta.url));

/**
 * Builds the stand-ins named (all by default) in the engine at DOCKER_HOST (the one testcontainers uses), unless the
 * engine has an image of that name already (the official one, or a stand-in built before). Returns what it did.
 */
export async function buildStandIns(names: readonly string[] = STAND_INS.map((standIn) => standIn.name)): Promise<Array<{ image: string; outcome: 'built' | 'present' }>> {
  const host = dockerHost();
  const { GenericContainer } = await testcontainers();
  const results: Array<{ image: string; outcome: 'built' | 'present' }> = [];
  for (const name of names) {
    const standIn = STAND_INS.find((candidate) => candidate.name === name);
    if (!standIn) throw new Error(`no stand-in image named ${name} (known: ${STAND_INS.map((candidate) => candidate.name).join(', ')})`);
    if (await localImage(standIn.image, host)) {
      results.push({ image: standIn.image, outcome: 'present' });
      continue;
    }
    const context = await mkdtemp(join(tmpdir(), `mqbench-stand-in-${name}-`));
    try {
      await cp(join(STAND_INS_DIR, name), context, { recursive: true });
      for (const [source, target] of Object.entries(standIn.files())) await cp(source, join(context, target), { recursive: true });
      if (standIn.jvm) await buildBase(host);
      const buildArgs = { STAND_IN_FOR: standIn.image, ...(standIn.jvm ? { BASE: STAND_IN_BASE } : {}) };
      await GenericContainer.fromDockerfile(context).withBuildArgs(buildArgs).build(standIn.image, { deleteOnExit: false });
      results.push({ image: standIn.image, outcome: 'built' });
    } finally {
      await rm(context, { recursive: true, force: true });
    }
  }
  return results;
}

/**
 * Makes the Debian base unless the engine has it: `debootstrap --variant=minbase` into a scratch folder (root and
 * Debian's debootstrap needed), then its root filesystem imported as an image.
 */
async function buildBase(host: string): Promise<void> {
  if (await localImage(STAND_IN_BASE, host)) return;
  const root = await mkdtemp(join(tmpdir(), 'mqbench-debian-'));
  try {
    await execute('debootstrap', ['--variant=minbase', '--include=openjdk-17-jre-headless,python3', 'bookworm', root, DEBIAN_MIRROR], { timeoutMs: BASE_TIMEOUT_MS });
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [repository, tag] = STAND_IN_BASE.split(':') as [string, string];
    await importImage(host, tar.stdout, repository, tag, BASE_TIMEOUT_MS);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
