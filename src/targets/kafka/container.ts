/** The Kafka container (docker provider and docker-compose.yml): same version and settings as the local process. */
import { IMAGES } from '../../install/versions.js';
import { BRIDGE_NETWORK, type ContainerNetwork, type ContainerSpec } from '../../provision/container-spec.js';
import { jvmOptions, kafkaProperties, propertiesEnvironment } from './config.js';

/** Broker and controller ports inside the container. */
export const KAFKA_PORTS = { broker: 9092, controller: 9093 } as const;

/** A fixed cluster id for containers: 16 bytes in base64url, as Kafka's Uuid requires (the image formats storage with it). */
export const KAFKA_CONTAINER_CLUSTER_ID = Buffer.from('mqbench-kafka-01').toString('base64url');

/**
 * The container spec on `network`; `advertisedPort` is the host port clients reach (on the host's network, the port
 * the broker listens on; in its own, the host port the container port is published to).
 */
export function kafkaContainer(
  options: { advertisedPort: number; heap: string; messageMaxBytes: number; fsyncEveryMessage: boolean },
  network: ContainerNetwork = BRIDGE_NETWORK,
): ContainerSpec {
  const port = network.port(KAFKA_PORTS.broker);
  const properties = kafkaProperties({
    bindHost: network.bindHost,
    port,
    controllerPort: network.port(KAFKA_PORTS.controller),
    advertisedPort: options.advertisedPort,
    logDirs: '/var/lib/kafka/data',
    messageMaxBytes: options.messageMaxBytes,
    fsyncEveryMessage: options.fsyncEveryMessage,
  });
  return {
    service: 'kafka',
    image: IMAGES.kafka,
    command: [],
    environment: {
      ...propertiesEnvironment(properties),
      CLUSTER_ID: KAFKA_CONTAINER_CLUSTER_ID,
      KAFKA_HEAP_OPTS: jvmOptions(options.heap).slice(0, 2).join(' '),
    },
    network: network.mode,
    ports: [port],
    files: [],
    dataPath: '/var/lib/kafka/data',
    wait: { kind: 'log', pattern: 'Kafka Server started' },
  };
}
