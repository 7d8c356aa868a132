/** The NATS container (docker provider and docker-compose.yml): same version and settings as the local process. */
import { IMAGES } from '../../install/versions.js';
import type { ContainerSpec } from '../../provision/container-spec.js';
import { natsConfig, type NatsConfigInput } from './config.js';

/** Client and monitoring ports inside the container. */
export const NATS_PORTS = { client: 4222, monitor: 8222 } as const;

/** The container spec for the given server settings. */
export function natsContainer(options: Pick<NatsConfigInput, 'maxPayload' | 'syncInterval' | 'ingestQueue'>): ContainerSpec {
  return {
    service: 'nats',
    image: IMAGES.nats,
    command: ['--config', '/etc/nats/mqbench.conf'],
    environment: {},
    ports: [NATS_PORTS.client, NATS_PORTS.monitor],
    files: [
      {
        target: '/etc/nats/mqbench.conf',
        content: natsConfig({ host: '0.0.0.0', port: NATS_PORTS.client, monitorPort: NATS_PORTS.monitor, storeDir: '/data', ...options }),
      },
    ],
    dataPath: '/data',
    wait: { kind: 'http', port: NATS_PORTS.monitor, path: '/healthz?js-enabled-only=true' },
  };
}
