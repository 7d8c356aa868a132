/** The NATS container (docker provider and docker-compose.yml): same version and settings as the local process. */
import { IMAGES } from '../../install/versions.js';
import { BRIDGE_NETWORK, type ContainerNetwork, type ContainerSpec } from '../../provision/container-spec.js';
import { natsConfig, type NatsConfigInput } from './config.js';

/** Client and monitoring ports inside the container. */
export const NATS_PORTS = { client: 4222, monitor: 8222 } as const;

/** The container spec for the given server settings, on `network` (its own, with the usual ports, by default). */
export function natsContainer(options: Pick<NatsConfigInput, 'maxPayload' | 'syncInterval' | 'ingestQueue'>, network: ContainerNetwork = BRIDGE_NETWORK): ContainerSpec {
  const client = network.port(NATS_PORTS.client);
  const monitor = network.port(NATS_PORTS.monitor);
  return {
    service: 'nats',
    image: IMAGES.nats,
    command: ['--config', '/etc/nats/mqbench.conf'],
    environment: {},
    network: network.mode,
    ports: [client, monitor],
    files: [
      {
        target: '/etc/nats/mqbench.conf',
        content: natsConfig({ host: network.bindHost, port: client, monitorPort: monitor, storeDir: '/data', ...options }),
      },
    ],
    dataPath: '/data',
    wait: { kind: 'http', port: monitor, path: '/healthz?js-enabled-only=true' },
  };
}
