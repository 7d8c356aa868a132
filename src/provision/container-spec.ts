/**
 * A broker container described once and used twice: by the docker provider (testcontainers) and, written out, by
 * docker-compose.yml. A test checks that the two agree.
 */

/** How to know the container is ready. */
export type ContainerWait = { kind: 'http'; port: number; path: string } | { kind: 'log'; pattern: string } | { kind: 'port'; port: number };

/** One broker container. */
export interface ContainerSpec {
  /** The compose service name. */
  service: string;
  image: string;
  command: string[];
  environment: Record<string, string>;
  /** Container ports published to the host (mapped to the same numbers in docker-compose.yml). */
  ports: number[];
  /** Files copied into the container (compose mounts them from docker/<basename>). */
  files: Array<{ target: string; content: string }>;
  /** Where the broker keeps its data inside the container (bind-mounted from a host directory). */
  dataPath: string;
  wait: ContainerWait;
}
