/** The union of every workload's parameter schema, discriminated by `type`. */
import { z } from 'zod';
import { pubsubParamsSchema } from './pubsub/params.js';

/** Schema of a scenario's `workload:` section. */
export const workloadParamsSchema = z.discriminatedUnion('type', [pubsubParamsSchema]);

/** Resolved parameters of any workload. */
export type WorkloadParams = z.output<typeof workloadParamsSchema>;

/** Every workload type name. */
export const workloadTypes = workloadParamsSchema.options.map((option) => option.shape.type.value);
