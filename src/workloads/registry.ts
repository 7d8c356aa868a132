/** Every workload implementation, by type. */
import type { WorkloadParams } from './params.js';
import { pubsubWorkload } from './pubsub/pubsub.js';
import { streamWorkload } from './stream/stream.js';
import { ticksWorkload } from './ticks/ticks.js';
import { vectorWorkload } from './vector/vector.js';
import type { LoadClientRole, Workload } from './workload.js';

const workloads: Record<WorkloadParams['type'], Workload<any>> = {
  pubsub: pubsubWorkload,
  stream: streamWorkload,
  ticks: ticksWorkload,
  vector: vectorWorkload,
};

/** The implementation of workload `type`. */
export function workloadFor(type: WorkloadParams['type']): Workload<WorkloadParams> {
  return workloads[type];
}

/** The load-client role `name` of any workload, if one has it. */
export function loadClientRole(name: string): LoadClientRole | undefined {
  return Object.values(workloads).find((workload) => workload.loadClientRoles?.[name])?.loadClientRoles?.[name];
}
