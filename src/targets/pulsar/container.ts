/** The Pulsar standalone container (docker provider and docker-compose.yml): same version and settings. */
import { IMAGES } from '../../install/versions.js';
import type { ContainerNetwork, ContainerSpec } from '../../provision/container-spec.js';
import { pulsarJvm, pulsarOverrides } from './config.js';

/** Pulsar's usual ports (docker-compose.yml). */
export const PULSAR_PORTS = { broker: 6650, web: 8080 } as const;

/**
 * The container spec. The container listens on the same port numbers it is published on (or, on the host's network,
 * on them), so the address it advertises (127.0.0.1:<port>) is right for clients on the host. Settings go through the
 * image's PULSAR_PREFIX_ environment mechanism (apply-config-from-env.py).
 */
export function pulsarContainer(
  options: { brokerPort: number; webPort: number; heap: string; directMemory: string; maxMessageSize: number; journalSyncData: boolean },
  network: Pick<ContainerNetwork, 'mode' | 'bindHost'> = { mode: 'bridge', bindHost: '0.0.0.0' },
): ContainerSpec {
  const overrides = pulsarOverrides({
    advertisedAddress: '127.0.0.1',
    bindAddress: network.bindHost,
    brokerServicePort: options.brokerPort,
    webServicePort: options.webPort,
    maxMessageSize: options.maxMessageSize,
    journalSyncData: options.journalSyncData,
  });
  return {
    service: 'pulsar',
    image: IMAGES.pulsar,
    command: ['sh', '-c', 'bin/apply-config-from-env.py conf/standalone.conf && exec bin/pulsar standalone -nfw -nss'],
    environment: {
      ...Object.fromEntries(Object.entries(overrides).map(([key, value]) => [`PULSAR_PREFIX_${key}`, value])),
      ...pulsarJvm(options.heap, options.directMemory),
    },
    network: network.mode,
    ports: [options.brokerPort, options.webPort],
    files: [],
    dataPath: '/pulsar/data',
    wait: { kind: 'http', port: options.webPort, path: '/admin/v2/clusters' },
  };
}
