/** The durability workload type: acknowledged writes through faults, then every message accounted for. */
import { formatBytes } from '../../util/units.js';
import type { WorkloadDefinition } from '../definition.js';
import { durabilityWorkload } from './durability.js';
import { durabilityParamsObject, durabilityParamsSchema, faultFor, type DurabilityParams } from './params.js';
import { durabilitySection } from './summary.js';

/** The durability workload type. */
export const durabilityDefinition: WorkloadDefinition<DurabilityParams> = {
  type: 'durability',
  paramsObject: durabilityParamsObject,
  paramsSchema: durabilityParamsSchema,
  label(params) {
    const faults = params.faults.map((fault) => `${fault.kind}@${fault.at / 1000}s${fault.kind === 'pause' ? `/${faultFor(fault) / 1000}s` : ''}`).join(', ');
    return `${formatBytes(params.payloadBytes)} ${params.rate}/s for ${params.duration / 1000}s, ${faults || 'no faults'}`;
  },
  keyMetric: () => 'durability.acknowledgedLost',
  needsLazyFs: (params) => params.faults.some((fault) => fault.kind === 'power-loss'),
  plan(params) {
    const messages = Math.ceil((params.rate * params.duration) / 1000);
    return { notes: [`${messages.toLocaleString('en-US')} messages of ${formatBytes(params.payloadBytes)} (${formatBytes(messages * params.payloadBytes)}), ${params.faults.length} faults, then a full read-back`] };
  },
  implementation: durabilityWorkload,
  sections: [durabilitySection],
};
