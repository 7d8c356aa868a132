/** The Kafka container (docker provider and docker-compose.yml): same version and settings as the local process. */
import { IMAGES } from '../../install/versions.js';
import type { ContainerSpec } from '../../provision/container-spec.js';
import { jvmOptions, kafkaProperties, propertiesEnvironment } from './config.js';

/** Broker and controller ports inside the container. */
export const KAFKA_PORTS = { broker: 9092, controller: 9093 } as const;

/** A fixed cluster id for containers: 16 bytes in base64url, as Kafka's Uuid requires (the image formats storage with it). */
export const KAFKA_CONTAINER_CLUSTER_ID = Buffer.from('mqbench-kafka-01').toString('base64url');

/** The container spec; `advertisedPort` is the host port clients reach (the container port maps to it). */
export function kafkaContainer(options: { advertisedPort: number; heap: string; messageMaxBytes: number; fsyncEveryMessage: boolean }): ContainerSpec {
  const properties = kafkaProperties({
    bindHost: '0.0.0.0',
    port: KAFKA_PORTS.broker,
    controllerPort: KAFKA_PORTS.controller,
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
    ports: [KAFKA_PORTS.broker],
    files: [],
    dataPath: '/var/lib/kafka/data',
    wait: { kind: 'log', pattern: 'Kafka Server started' },
  };
}
