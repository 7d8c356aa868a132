/** The docker provider: starts a ContainerSpec with testcontainers, data bind-mounted so storage can be measured. */
import { chmod, mkdir } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { ContainerSpec } from './container-spec.js';

/** A started container with its host-side ports. */
export interface StartedBroker {
  container: StartedTestContainer;
  id: string;
  /** The image's repository digest (e.g. `nats@sha256:…`), or its local id when it has none: what exactly ran. */
  imageDigest: string;
  /** Host port for each container port. */
  ports: Record<number, number>;
  stop(): Promise<void>;
}

/** Starts `spec`; `fixedPorts` maps container ports to host ports chosen in advance (for advertised listeners). */
export async function startContainer(
  spec: ContainerSpec,
  options: { hostDataDir: string; logFile: string; fixedPorts?: Record<number, number>; startupTimeoutMs?: number },
): Promise<StartedBroker> {
  await mkdir(options.hostDataDir, { recursive: true });
  await chmod(options.hostDataDir, 0o777);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let builder = new GenericContainer(spec.image)
    .withCommand(spec.command)
    .withEnvironment(spec.environment)
    .withExposedPorts(...spec.ports.map((port) => (options.fixedPorts?.[port] ? { container: port, host: options.fixedPorts[port]! } : port)))
    .withBindMounts([{ source: options.hostDataDir, target: spec.dataPath, mode: 'rw' }])
    .withLogConsumer((stream) => stream.pipe(log))
    .withStartupTimeout(options.startupTimeoutMs ?? 120_000);
  if (spec.files.length > 0) builder = builder.withCopyContentToContainer(spec.files.map((file) => ({ content: file.content, target: file.target })));
  const wait = spec.wait;
  builder = builder.withWaitStrategy(
    wait.kind === 'http' ? Wait.forHttp(wait.path, wait.port) : wait.kind === 'log' ? Wait.forLogMessage(new RegExp(wait.pattern)) : Wait.forListeningPorts(),
  );
  const container = await builder.start();
  const ports = Object.fromEntries(spec.ports.map((port) => [port, container.getMappedPort(port)]));
  return {
    container,
    id: container.getId(),
    imageDigest: await imageDigest(spec.image),
    ports,
    stop: async () => {
      await container.stop({ timeout: 10_000 });
      log.end();
    },
  };
}

/** The repository digest of a local image (its id when it was built locally), or "unknown" if inspection fails. */
async function imageDigest(image: string): Promise<string> {
  try {
    const { getContainerRuntimeClient, ImageName } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    const info = await client.image.inspect(ImageName.fromString(image));
    return info.RepoDigests?.[0] ?? info.Id;
  } catch {
    return 'unknown';
  }
}
