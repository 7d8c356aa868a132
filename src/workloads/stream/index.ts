/** The stream workload type (METHODOLOGY C): open- or closed-loop writes, read as they arrive or afterwards. */
import { calibrationGroup } from '../../targets/driver.js';
import { errorMessage } from '../../util/errors.js';
import { formatBytes } from '../../util/units.js';
import type { WorkloadDefinition } from '../definition.js';
import { ENVELOPE_BYTES } from '../envelope.js';
import { PayloadSource } from '../payload.js';
import { payloadPoolSize, runsTool, streamParamsObject, streamParamsSchema, toolReadsBack, type StreamParams } from './params.js';
import { streamWorkload } from './stream.js';

/** The trial's messages for a calibration to write (its bodies are generated at the first call: most tools make their own). */
function trialMessages(params: StreamParams, seed: number): (index: number, into: Buffer) => void {
  let bodies: PayloadSource | undefined;
  return (index, into) => {
    bodies ??= new PayloadSource(params.payload, params.payloadBytes - ENVELOPE_BYTES, payloadPoolSize(params), seed);
    bodies.writeMessage(index, into);
  };
}

/** The stream workload type. */
export const streamDefinition: WorkloadDefinition<StreamParams> = {
  type: 'stream',
  paramsObject: streamParamsObject,
  paramsSchema: streamParamsSchema,
  label(params) {
    const load = params.mode === 'open-loop' ? `${params.rate}/s` : `${params.inFlight} in flight`;
    const producers = params.producers > 1 ? ` ×${params.producers} producers${params.clients > 1 ? ` in ${params.clients} clients` : ''}` : '';
    const readBack = params.consumer === 'after' ? ', read back after' : '';
    return `${formatBytes(params.payloadBytes)} ${load}${producers} ${params.payload}${readBack}`;
  },
  keyMetric: (params) => (params.mode === 'open-loop' ? 'e2eLatencyMs.p99' : 'throughput.writeMegabytesPerSec'),
  loadClients: (params) => params.clients,
  implementation: streamWorkload,
  /** The raw backend's throughput (the WAL's bucket or disk), where the target can measure it. */
  async afterWorkload({ driver, failures, signal }) {
    if (!driver.probeCeiling || signal.aborted || failures.length > 0) return {};
    return { ceiling: await driver.probeCeiling() };
  },
  /** Closed loop: the broker's own perf tool against the same broker, with the trial's size, count and concurrency. */
  async afterTrial({ params, driver, measured, failures, topicPrefix, warmupMessages, seed, dropTopic, settle, signal }) {
    if (!runsTool(params) || !driver.probeTool) return {};
    if (signal.aborted || failures.length > 0 || !measured || measured.counters.messagesAcknowledged === 0) return {};
    try {
      const toolCeiling = await driver.probeTool({
        messageBytes: params.payloadBytes,
        messages: measured.counters.messagesAcknowledged,
        concurrency: params.producers * params.inFlight,
        producers: params.producers,
        timeoutMs: Math.max(60_000, 10_000 * (measured.writeSeconds ?? measured.durationSeconds)),
        topic: `${topicPrefix}-tool`,
        writeMessage: trialMessages(params, seed),
        // The stream's topic is the trial's topic prefix; the workload registered the calibration group before writing.
        ...(toolReadsBack(params) && measured.readBack
          ? { readBack: { topic: topicPrefix, group: calibrationGroup(topicPrefix), messages: measured.readBack.messages } }
          : {}),
        ...(warmupMessages > 0 ? { warmupMessages } : {}),
        ...(dropTopic ? { dropTrialTopic: () => dropTopic(topicPrefix) } : {}),
        ...(settle ? { settle } : {}),
        signal,
      });
      return { toolCeiling };
    } catch (error) {
      return { toolCeilingError: errorMessage(error) };
    }
  },
};
