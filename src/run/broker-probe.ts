/** The resource probe of a target's broker: its process tree, or its container. */
import { DockerContainerProbe, dockerStats } from '../metrics/docker-stats.js';
import { ProcessTreeProbe, type ResourceProbe } from '../metrics/resources.js';
import type { BrokerProcessSpec } from '../targets/target.js';

/** A probe of the broker `spec` names (undefined: the broker runs inside the trial's process, or is not here). */
export function brokerProbe(spec: BrokerProcessSpec | undefined): ResourceProbe | undefined {
  if (!spec) return undefined;
  if (spec.kind === 'process-tree') return new ProcessTreeProbe(spec.pid);
  return new DockerContainerProbe(spec.id, dockerStats);
}
