/** MinIO as the wal target's S3 server: the local process, the container, and creating the bucket. */
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { IMAGES } from '../../install/versions.js';
import { BRIDGE_NETWORK, type ContainerNetwork, type ContainerSpec } from '../../provision/container-spec.js';
import { RestartableProcess } from '../../provision/restartable-process.js';
import { httpOk } from '../../provision/readiness.js';
import { minioPath } from './install.js';

/** The S3 API port inside the container. */
export const MINIO_PORT = 9000;

/** Credentials mqbench gives the MinIO it starts (loopback only). */
export const MINIO_CREDENTIALS = { accessKeyId: 'mqbench', secretAccessKey: 'mqbench-secret-key' } as const;

/** The bucket the WAL writes to. */
export const MINIO_BUCKET = 'mqbench';

/** The environment MinIO runs with. */
export function minioEnvironment(): Record<string, string> {
  return {
    MINIO_ROOT_USER: MINIO_CREDENTIALS.accessKeyId,
    MINIO_ROOT_PASSWORD: MINIO_CREDENTIALS.secretAccessKey,
    MINIO_BROWSER: 'off',
    MINIO_UPDATE: 'off',
  };
}

/** The MinIO container (docker provider and docker-compose.yml) on `network`. */
export function minioContainer(network: ContainerNetwork = BRIDGE_NETWORK): ContainerSpec {
  const port = network.port(MINIO_PORT);
  const address = network.mode === 'host' ? `${network.bindHost}:${port}` : `:${port}`;
  return {
    service: 'minio',
    image: IMAGES.minio,
    command: ['server', '/data', '--address', address],
    environment: minioEnvironment(),
    network: network.mode,
    ports: [port],
    files: [],
    dataPath: '/data',
    wait: { kind: 'http', port, path: '/minio/health/live' },
  };
}

/** Creates `bucket` at `endpoint` unless it exists. */
export async function ensureBucket(endpoint: string, bucket = MINIO_BUCKET): Promise<void> {
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: MINIO_CREDENTIALS });
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

/** Starts MinIO on 127.0.0.1:`port` over `dataDir`, waits until it is live, and makes sure the bucket exists. */
export async function startMinioProcess(options: { dataDir: string; port: number; logFile: string; signal?: AbortSignal; readyTimeoutMs?: number }): Promise<{ process: RestartableProcess; server: string }> {
  const server = `http://127.0.0.1:${options.port}`;
  const process = await RestartableProcess.start({
    name: 'minio',
    command: minioPath(),
    args: ['server', options.dataDir, '--address', `127.0.0.1:${options.port}`, '--quiet'],
    env: minioEnvironment(),
    logFile: options.logFile,
    ready: () => httpOk(`${server}/minio/health/live`),
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    signal: options.signal,
  });
  try {
    await ensureBucket(server);
  } catch (error) {
    await process.stop();
    throw new Error(`MinIO started but the bucket could not be created: ${(error as Error).message}`);
  }
  return { process, server };
}
