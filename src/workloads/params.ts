/** The union of every workload's parameter schema, discriminated by `type`. */
import { z } from 'zod';
import { formatBytes, formatCount } from '../util/units.js';
import { pubsubParamsSchema } from './pubsub/params.js';
import { streamParamsObject, streamParamsSchema } from './stream/params.js';
import { ticksParamsSchema } from './ticks/params.js';
import { vectorParamsSchema } from './vector/params.js';

/** Each workload's fields without cross-field rules (for partial schemas and editors). */
export const workloadObjects = [pubsubParamsSchema, streamParamsObject, ticksParamsSchema, vectorParamsSchema] as const;

/** Schema of a scenario's `workload:` section. */
export const workloadParamsSchema = z.discriminatedUnion('type', [pubsubParamsSchema, streamParamsSchema, ticksParamsSchema, vectorParamsSchema]);

/** Resolved parameters of any workload. */
export type WorkloadParams = z.output<typeof workloadParamsSchema>;

/** Every workload type name. */
export const workloadTypes = workloadObjects.map((option) => option.shape.type.value);

/** A short human label of a parameter point, e.g. "5MiB×100 random" (unique within a scenario's points). */
export function workloadLabel(params: WorkloadParams): string {
  switch (params.type) {
    case 'pubsub':
      return `${formatBytes(params.payloadBytes)}×${params.messages} ${params.payload}`;
    case 'stream': {
      const load = params.mode === 'open-loop' ? `${params.rate}/s` : `${params.inFlight} in flight`;
      const producers = params.producers > 1 ? ` ×${params.producers} producers${params.clients > 1 ? ` in ${params.clients} clients` : ''}` : '';
      const readBack = params.consumer === 'after' ? ', read back after' : '';
      return `${formatBytes(params.payloadBytes)} ${load}${producers} ${params.payload}${readBack}`;
    }
    case 'ticks':
      return `${params.channels} channels, ticks every ${params.tickInterval}ms, data ${params.dataRate}/s of ${formatBytes(params.payloadBytes)}`;
    case 'vector':
      return `${formatCount(params.vectors)}×${params.dimension}d, insert ${params.insertRate || 'max'} rows/s, search ${params.search.rate}/s`;
  }
}
