/** The ticks workload type: Milvus-style time ticks per channel beside a data stream, and the wait of a Strong read. */
import { formatBytes } from '../../util/units.js';
import type { WorkloadDefinition } from '../definition.js';
import { ticksParamsSchema, type TicksParams } from './params.js';
import { ticksSection } from './summary.js';
import { ticksWorkload } from './ticks.js';

/** The ticks workload type. */
export const ticksDefinition: WorkloadDefinition<TicksParams> = {
  type: 'ticks',
  paramsObject: ticksParamsSchema,
  paramsSchema: ticksParamsSchema,
  label: (params) => `${params.channels} channels, ticks every ${params.tickInterval}ms, data ${params.dataRate}/s of ${formatBytes(params.payloadBytes)}`,
  keyMetric: () => 'ticks.lagMs.p99',
  implementation: ticksWorkload,
  sections: [ticksSection],
};
