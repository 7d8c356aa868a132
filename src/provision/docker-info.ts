/** What the manifest records of a container: the image and exactly which one ran, the container, its network. */
import type { ContainerSpec } from './container-spec.js';

/** The manifest's `info` fields of a started container. */
export function containerInfo(spec: ContainerSpec, started: { id: string; imageDigest: string; standIn: boolean; ports: Record<number, number> }): Record<string, unknown> {
  return {
    image: spec.image,
    imageDigest: started.imageDigest,
    ...(started.standIn ? { imageKind: "mqbench's stand-in image built here (docker/stand-ins), not the official one" } : {}),
    containerId: started.id,
    network: spec.network,
    ports: spec.ports.map((port) => started.ports[port]),
  };
}
