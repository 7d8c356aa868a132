/** The union of every workload's parameter schema, discriminated by `type`. */
import { z } from 'zod';
import { formatBytes } from '../util/units.js';
import { pubsubParamsSchema } from './pubsub/params.js';

/** Schema of a scenario's `workload:` section. */
export const workloadParamsSchema = z.discriminatedUnion('type', [pubsubParamsSchema]);

/** Resolved parameters of any workload. */
export type WorkloadParams = z.output<typeof workloadParamsSchema>;

/** Every workload type name. */
export const workloadTypes = workloadParamsSchema.options.map((option) => option.shape.type.value);

/** A short human label of a parameter point, e.g. "5MiB×100 random" (unique within a scenario's points). */
export function workloadLabel(params: WorkloadParams): string {
  switch (params.type) {
    case 'pubsub':
      return `${formatBytes(params.payloadBytes)}×${params.messages} ${params.payload}`;
  }
}
