/**
 * A broker container described once and used twice: by the docker provider (testcontainers) and, written out, by
 * docker-compose.yml. A test checks that the two agree.
 */

import { freePorts } from './ports.js';

/** How a container reaches the network: the host's namespace, or its own with published ports. */
export type DockerNetworkMode = 'host' | 'bridge';

/** Where the broker in a container listens. */
export interface ContainerNetwork {
  mode: DockerNetworkMode;
  /** The address the broker binds: 127.0.0.1 on the host's network (traffic stays on loopback), every interface in its own. */
  bindHost: string;
  /** The port the broker listens on in place of a port it usually has (host: a free port; bridge: the usual one, published). */
  port(usual: number): number;
}

/** A container's own network with its usual ports (published to free host ports, or to the same ones by compose). */
export const BRIDGE_NETWORK: ContainerNetwork = { mode: 'bridge', bindHost: '0.0.0.0', port: (usual) => usual };

/**
 * Plans `mode` for a broker that usually listens on `usualPorts`: on the host's network, free loopback ports, or the
 * ones `fixed` gives (by usual port).
 */
export async function planContainerNetwork(mode: DockerNetworkMode, usualPorts: readonly number[], fixed: Record<number, number> = {}): Promise<ContainerNetwork> {
  if (mode === 'bridge') return BRIDGE_NETWORK;
  const chosen = await freePorts(usualPorts.length);
  const byUsual = new Map(usualPorts.map((usual, index) => [usual, fixed[usual] ?? chosen[index]!]));
  return {
    mode,
    bindHost: '127.0.0.1',
    port: (usual) => {
      const port = byUsual.get(usual);
      if (port === undefined) throw new Error(`no port was planned in place of ${usual}`);
      return port;
    },
  };
}

/** How to know the container is ready. */
export type ContainerWait = { kind: 'http'; port: number; path: string } | { kind: 'log'; pattern: string } | { kind: 'port'; port: number };

/** One broker container. */
export interface ContainerSpec {
  /** The compose service name. */
  service: string;
  image: string;
  command: string[];
  environment: Record<string, string>;
  /** The network it runs on (docker-compose.yml always gives it its own). */
  network: DockerNetworkMode;
  /** Ports the broker listens on: published to the host in bridge mode (to the same numbers in docker-compose.yml). */
  ports: number[];
  /** Files copied into the container (compose mounts them from docker/<basename>). */
  files: Array<{ target: string; content: string }>;
  /** Where the broker keeps its data inside the container (bind-mounted from a host directory). */
  dataPath: string;
  wait: ContainerWait;
}
