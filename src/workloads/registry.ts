/** Every workload implementation, by type. */
import type { WorkloadParams } from './params.js';
import { pubsubWorkload } from './pubsub/pubsub.js';
import { streamWorkload } from './stream/stream.js';
import { ticksWorkload } from './ticks/ticks.js';
import { vectorWorkload } from './vector/vector.js';
import type { Workload } from './workload.js';

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
