/** Every workload type, by name: adding one is a folder with its definition and a line here. */
import type { WorkloadDefinition } from './definition.js';
import { durabilityDefinition } from './durability/index.js';
import { pubsubDefinition } from './pubsub/index.js';
import { streamDefinition } from './stream/index.js';
import { ticksDefinition } from './ticks/index.js';
import { vectorDefinition } from './vector/index.js';
import type { LoadClientRole, Workload } from './workload.js';

/** The workload types, in display order (the order of their metrics in tables). */
export const WORKLOADS = [pubsubDefinition, streamDefinition, ticksDefinition, vectorDefinition, durabilityDefinition] as const;

/** Resolved parameters of any workload. */
export type WorkloadParams = Parameters<(typeof WORKLOADS)[number]['label']>[0];

/** Every workload type name. */
export const workloadTypes: readonly string[] = WORKLOADS.map((definition) => definition.type);

/** The definition of workload type `type` (for the parameters it takes). */
export function workloadDefinition<Params extends WorkloadParams>(params: Params): WorkloadDefinition<Params>;
export function workloadDefinition(type: string): WorkloadDefinition<WorkloadParams> | undefined;
export function workloadDefinition(of: string | WorkloadParams): WorkloadDefinition<any> | undefined {
  const type = typeof of === 'string' ? of : of.type;
  return WORKLOADS.find((definition) => definition.type === type);
}

/** The implementation of workload `type`. */
export function workloadFor(type: WorkloadParams['type']): Workload<WorkloadParams> {
  return workloadDefinition(type)!.implementation;
}

/** The load-client role `name` of any workload, if one has it. */
export function loadClientRole(name: string): LoadClientRole | undefined {
  return WORKLOADS.map((definition) => definition.implementation.loadClientRoles?.[name]).find((role) => role !== undefined);
}
