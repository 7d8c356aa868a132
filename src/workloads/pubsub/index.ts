/** The pub/sub workload type (METHODOLOGY A): repeated operations of N messages, each send awaiting its ack. */
import { formatBytes } from '../../util/units.js';
import { errorMessage } from '../../util/errors.js';
import type { WorkloadDefinition } from '../definition.js';
import { pubsubParamsSchema, type PubsubParams } from './params.js';
import { pubsubWorkload } from './pubsub.js';

/** The pub/sub workload type. */
export const pubsubDefinition: WorkloadDefinition<PubsubParams> = {
  type: 'pubsub',
  paramsObject: pubsubParamsSchema,
  paramsSchema: pubsubParamsSchema,
  label: (params) => `${formatBytes(params.payloadBytes)}×${params.messages}${(params.clients ?? 1) > 1 ? ` in ${params.clients} clients` : ''} ${params.payload}`,
  loadClients: (params) => params.clients ?? 1,
  keyMetric: () => 'opSeconds.mean',
  implementation: pubsubWorkload,
  /** With `reference: true`: the same operations through the Go reference client, against the same broker. */
  async afterTrial({ params, driver, measured, topicPrefix, signal }) {
    const opSeconds = measured?.opSeconds ?? [];
    if (!params.reference || !driver.probeReference || signal.aborted || opSeconds.length === 0) return {};
    try {
      const toolCeiling = await driver.probeReference({
        messageBytes: params.payloadBytes,
        messages: params.messages,
        operations: opSeconds.length,
        topicPrefix: `${topicPrefix}-ref`,
        stallTimeoutMs: params.timeout,
        timeoutMs: Math.max(60_000, 5 * opSeconds.reduce((sum, seconds) => sum + seconds, 0)),
        signal,
      });
      return { toolCeiling };
    } catch (error) {
      return { toolCeilingError: errorMessage(error) };
    }
  },
};
