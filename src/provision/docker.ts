/**
 * The docker provider: starts a ContainerSpec with testcontainers, data bind-mounted so storage can be measured, on
 * the host's network (the broker on free loopback ports) or its own (ports published). Every container carries this
 * process's label and is watched by mqbench's reaper (container-reaper.ts) instead of testcontainers' Ryuk.
 */
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { StartedTestContainer } from 'testcontainers';
import { tail } from '../install/exec.js';
import type { ContainerSpec } from './container-spec.js';
import { dockerHost, dockerRequest, watchContainerExit } from '../util/docker-api.js';
import { testcontainers } from '../util/testcontainers.js';
import { localImage } from './docker-engine.js';
import { startReaper, type Reaper } from './container-reaper.js';
import { httpOk, tcpOpen, waitUntil } from './readiness.js';

/** A started container with its host-side ports. */
export interface StartedBroker {
  container: StartedTestContainer;
  id: string;
  /** The image's repository digest (e.g. `nats@sha256:…`), or its local id when it has none: what exactly ran. */
  imageDigest: string;
  /** The image is one of mqbench's stand-ins (docker/stand-ins), not the official one. */
  standIn: boolean;
  /** Host port for each port in the spec. */
  ports: Record<number, number>;
  /** Why the container is unusable: it stopped while mqbench still needed it (undefined while it runs). */
  failure(): string | undefined;
  stop(): Promise<void>;
}

/** The label every container this process starts carries, `key=value`. */
export const SESSION_LABEL_KEY = 'org.mqbench.session';
const session = `${process.pid}-${randomBytes(4).toString('hex')}`;
let reaper: Reaper | undefined;

/** Starts `spec`; `fixedPorts` maps (bridge) container ports to host ports chosen in advance (for advertised listeners). */
export async function startContainer(
  spec: ContainerSpec,
  options: { hostDataDir: string; logFile: string; fixedPorts?: Record<number, number>; startupTimeoutMs?: number },
): Promise<StartedBroker> {
  const { GenericContainer, Wait } = await testcontainers();
  await mkdir(options.hostDataDir, { recursive: true });
  await chmod(options.hostDataDir, 0o777);
  const host = dockerHost();
  reaper ??= startReaper({ host, label: `${SESSION_LABEL_KEY}=${session}` });
  const startupTimeoutMs = options.startupTimeoutMs ?? 120_000;
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let builder = new GenericContainer(spec.image)
    .withCommand(spec.command)
    .withEnvironment(spec.environment)
    .withLabels({ [SESSION_LABEL_KEY]: session })
    .withBindMounts([{ source: options.hostDataDir, target: spec.dataPath, mode: 'rw' }])
    .withLogConsumer((stream) => stream.pipe(log))
    .withStartupTimeout(startupTimeoutMs);
  const wait = spec.wait;
  if (spec.network === 'host') {
    // No published ports to wait on: testcontainers' wait strategies look ports up through the bindings. mqbench waits
    // itself, below, on the ports the broker listens on.
    builder = builder.withNetworkMode('host').withWaitStrategy(wait.kind === 'log' ? Wait.forLogMessage(new RegExp(wait.pattern)) : Wait.forListeningPorts());
  } else {
    builder = builder
      .withExposedPorts(...spec.ports.map((port) => (options.fixedPorts?.[port] ? { container: port, host: options.fixedPorts[port]! } : port)))
      .withWaitStrategy(wait.kind === 'http' ? Wait.forHttp(wait.path, wait.port) : wait.kind === 'log' ? Wait.forLogMessage(new RegExp(wait.pattern)) : Wait.forListeningPorts());
  }
  if (spec.files.length > 0) builder = builder.withCopyContentToContainer(spec.files.map((file) => ({ content: file.content, target: file.target })));
  const container = await builder.start();
  const id = container.getId();
  let exit: string | undefined;
  const unwatch = watchContainerExit(host, id, (code) => {
    exit = `container ${spec.image} ${id.slice(0, 12)} stopped${code === undefined ? '' : ` (exit code ${code}${code === 137 ? ': killed' : ''})`} during the run; see ${options.logFile}`;
  });
  const stop = async () => {
    unwatch();
    await container.stop({ timeout: 10_000, remove: true, removeVolumes: true }).catch(() => undefined);
    log.end();
  };
  if (spec.network === 'host' && wait.kind !== 'log') {
    const ready = await waitUntil(
      async () => (await running(host, id)) && (wait.kind === 'http' ? httpOk(`http://127.0.0.1:${wait.port}${wait.path}`) : tcpOpen(wait.port)),
      startupTimeoutMs,
      200,
    );
    if (!ready) {
      const why = (await running(host, id)) ? `was not ready within ${startupTimeoutMs / 1000} s` : 'exited';
      await stop();
      throw new Error(`container ${spec.image} ${why}; log ${options.logFile}:\n${tail(await readFile(options.logFile, 'utf8').catch(() => ''), 15)}`);
    }
  }
  const ports = spec.network === 'host' ? Object.fromEntries(spec.ports.map((port) => [port, port])) : Object.fromEntries(spec.ports.map((port) => [port, container.getMappedPort(port)]));
  const image = await localImage(spec.image, host).catch(() => undefined);
  return { container, id, imageDigest: image ? (image.digest ?? image.id) : 'unknown', standIn: image?.standIn ?? false, ports, failure: () => exit, stop };
}

/** Whether the container is running now. */
async function running(host: string, id: string): Promise<boolean> {
  const answer = await dockerRequest(host, 'GET', `/containers/${id}/json`, 5000).catch(() => undefined);
  return answer?.status === 200 && (answer.body as { State?: { Running?: boolean } }).State?.Running === true;
}
