/** The union of every registered workload's parameter schema, discriminated by `type`, and their labels. */
import { z } from 'zod';
import { workloadDefinition, WORKLOADS, type WorkloadParams } from './registry.js';

export type { WorkloadParams };

/** Each workload's fields without cross-field rules (for partial schemas and editors). */
export const workloadObjects = WORKLOADS.map((definition) => definition.paramsObject);

/** Schema of a scenario's `workload:` section. */
export const workloadParamsSchema = z.discriminatedUnion(
  'type',
  WORKLOADS.map((definition) => definition.paramsSchema) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<WorkloadParams>;

/** A short human label of a parameter point, e.g. "5MiB×100 random" (unique within a scenario's points). */
export function workloadLabel(params: WorkloadParams): string {
  return workloadDefinition(params.type)!.label(params as never);
}
