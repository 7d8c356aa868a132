/** The vector workload type: Milvus-shaped inserts and time ticks through the broker, searches and queries beside. */
import { formatCount } from '../../util/units.js';
import type { WorkloadDefinition } from '../definition.js';
import { ticksSection } from '../ticks/summary.js';
import { estimateVectorRun, refusal } from './estimate.js';
import { vectorParamsSchema, type VectorParams } from './params.js';
import { vectorSection } from './summary.js';
import { vectorWorkload } from './vector.js';

/** The vector workload type. */
export const vectorDefinition: WorkloadDefinition<VectorParams> = {
  type: 'vector',
  paramsObject: vectorParamsSchema,
  paramsSchema: vectorParamsSchema,
  label: (params) => `${formatCount(params.vectors)}×${params.dimension}d, insert ${params.insertRate || 'max'} rows/s, search ${params.search.rate}/s`,
  keyMetric: () => 'vector.search.Bounded.latencyMs.mean',
  plan(params) {
    const reason = refusal(params);
    return { notes: [estimateVectorRun(params).text], ...(reason ? { refusal: { field: 'vectors', reason } } : {}) };
  },
  implementation: vectorWorkload,
  // Its broker backend sends Milvus's time ticks through the broker too: their lag is summarised as the ticks workload's.
  sections: [vectorSection, ticksSection],
};
