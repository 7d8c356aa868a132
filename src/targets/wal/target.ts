/**
 * The wal target: mqbench's Woodpecker-style WAL, running inside the worker, on a local directory (embedded) or on
 * S3 — a MinIO started as a local process or a container, or an external bucket.
 */
import { planContainerNetwork } from '../../provision/container-spec.js';
import { containerInfo } from '../../provision/docker-info.js';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePorts } from '../../provision/ports.js';
import { dockerAvailability, externalAvailability } from '../availability.js';
import type { Availability, TargetDefinition, TargetInstance } from '../target.js';
import type { WalEndpoint } from './driver.js';
import { minioInstaller, minioPath } from './install.js';
import { ensureBucket, minioContainer, MINIO_BUCKET, MINIO_CREDENTIALS, MINIO_PORT, startMinioProcess } from './minio.js';
import { walSettingsSchema, type WalSettings } from './settings.js';

/** Definition of the wal target type. */
export const walTarget: TargetDefinition<WalSettings> = {
  type: 'wal',
  title: 'Woodpecker-style WAL on S3 (MinIO) or local disk (mqbench engine)',
  environment: [
    { name: 'MQBENCH_S3_BUCKET', kind: 'setting', setting: 's3.bucket', description: 'the bucket of the external provider (credentials from the AWS SDK chain)' },
    { name: 'MQBENCH_S3_ENDPOINT', kind: 'setting', setting: 's3.endpoint', description: 'its endpoint, for S3-compatible stores other than AWS' },
    { name: 'MQBENCH_MINIO', kind: 'install', description: 'a minio binary to use instead of the installed one' },
  ],
  kind: (settings) => (settings.backend === 'local' && settings.process !== 'own' ? 'embedded' : 'server'),
  settingsSchema: walSettingsSchema,
  installer: minioInstaller,

  async availability(settings?: WalSettings): Promise<Availability[]> {
    const local = await minioInstaller.status();
    return [
      { provider: 'embedded', available: true, detail: "backend local: the WAL on a local directory, inside the trial's worker process" },
      settings?.backend === 'local'
        ? { provider: 'local', available: true, detail: 'backend local, process: own — the WAL in a host process of its own' }
        : { provider: 'local', available: local.installed, detail: `backend s3 on a local MinIO: ${local.detail}`, fix: local.installed ? undefined : local.fix },
      await dockerAvailability(minioContainer().image),
      externalAvailability({
        configured: settings?.s3?.bucket,
        setting: 'settings.s3.bucket',
        variable: 'MQBENCH_S3_BUCKET',
        nothing: 'no bucket configured',
        fix: 'set settings.s3 in the scenario, or MQBENCH_S3_BUCKET (+ MQBENCH_S3_ENDPOINT for non-AWS); credentials from the AWS SDK chain',
      }),
    ];
  },

  container: () => minioContainer(),

  async provision(provider, context): Promise<TargetInstance> {
    const settings = context.settings as WalSettings;
    const dataDir = join(context.dir, 'data');
    if (settings.backend === 'local' && provider === 'local') {
      await mkdir(dataDir, { recursive: true });
      const { startEngineHost } = await import('../engine-host/provision.js');
      return startEngineHost('wal', context, { backend: 'local', root: dataDir } satisfies WalEndpoint, dataDir);
    }
    if (provider === 'embedded') {
      await mkdir(dataDir, { recursive: true });
      return {
        provider,
        endpoint: { backend: 'local', root: dataDir } satisfies WalEndpoint,
        storage: { kind: 'directories', paths: [dataDir] },
        info: { backend: 'local', dataDir },
        stop: () => rm(dataDir, { recursive: true, force: true }),
      };
    }
    if (provider === 'external') {
      const bucket = settings.s3?.bucket;
      if (!bucket) throw new Error('the external provider needs settings.s3.bucket or MQBENCH_S3_BUCKET');
      const endpoint = settings.s3?.endpoint;
      const location = { backend: 's3' as const, bucket, prefix: settings.s3?.prefix ?? '', endpoint, region: settings.s3?.region, forcePathStyle: settings.s3?.forcePathStyle };
      return {
        provider,
        endpoint: location,
        storage: settings.external?.dataDir ? { kind: 'directories', paths: [settings.external.dataDir] } : { kind: 'none', reason: 'external bucket' },
        info: { bucket, endpoint: endpoint ?? 'AWS' },
        stop: async () => undefined,
      };
    }
    await mkdir(dataDir, { recursive: true });
    const logFile = join(context.logDir, `${context.name}-minio.log`);
    if (provider === 'docker') {
      const { startContainer } = await import('../../provision/docker.js');
      const network = await planContainerNetwork(settings.docker.network, [MINIO_PORT]);
      const spec = minioContainer(network);
      const started = await startContainer(spec, { hostDataDir: dataDir, logFile });
      const server = `http://127.0.0.1:${started.ports[network.port(MINIO_PORT)]}`;
      await ensureBucket(server);
      return {
        provider,
        endpoint: { backend: 's3', server, endpoint: server, bucket: MINIO_BUCKET, forcePathStyle: true, credentials: { ...MINIO_CREDENTIALS }, minioForceDelete: true } satisfies WalEndpoint,
        broker: { kind: 'docker-container', id: started.id, label: `${spec.image} ${started.id.slice(0, 12)}` },
        storage: { kind: 'directories', paths: [dataDir] },
        info: { ...containerInfo(spec, started), bucket: MINIO_BUCKET },
        stop: () => started.stop(),
        failure: () => started.failure(),
      };
    }
    const [port] = await freePorts(1);
    const { process: started, server } = await startMinioProcess({ dataDir, port: port!, logFile, signal: context.signal });
    const binary = minioPath();
    return {
      provider,
      endpoint: { backend: 's3', server, endpoint: server, bucket: MINIO_BUCKET, forcePathStyle: true, credentials: { ...MINIO_CREDENTIALS }, minioForceDelete: true } satisfies WalEndpoint,
      broker: { kind: 'process-tree', pid: started.pid(), label: `minio (pid ${started.pid()})` },
      storage: { kind: 'directories', paths: [dataDir] },
      info: { pid: started.pid(), binary, server, bucket: MINIO_BUCKET, logFile },
      stop: () => started.stop(),
      failure: () => started.failure(),
      faults: { backend: started },
    };
  },

  async connect(endpoint, settings) {
    if (typeof endpoint.socket === 'string') return (await import('../engine-host/client.js')).connectEngineHost(endpoint.socket, 'wal');
    const { connectWal } = await import('./driver.js');
    return connectWal(endpoint as unknown as WalEndpoint, settings);
  },
};
