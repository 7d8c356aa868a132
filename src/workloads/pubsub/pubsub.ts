/** The pub/sub workload: warm-up operations, then measured operations, each on a fresh topic (METHODOLOGY A). */
import { ENVELOPE_BYTES } from '../envelope.js';
import { PayloadSource } from '../payload.js';
import { SendBuffers } from '../send-buffers.js';
import type { Workload, WorkloadContext } from '../workload.js';
import { runOperation } from './operation.js';
import type { PhaseRecorder } from '../../metrics/recorder.js';
import { recordClocks } from '../clock-sync.js';
import { PubsubLoadClients } from './load-clients.js';
import { PUBSUB_PRODUCER_ROLE, runPubsubClient, type PubsubClientSpec } from './producer-client.js';
import type { PubsubParams } from './params.js';

const PROGRESS_EVERY_MS = 100;

/** The pub/sub workload. */
export const pubsubWorkload: Workload<PubsubParams> = {
  type: 'pubsub',
  async run(context: WorkloadContext<PubsubParams>) {
    const { params } = context;
    // Bodies are generated once per trial, outside the timed operations, and reused by every operation (as in Go).
    const payloads = new PayloadSource(params.payload, params.payloadBytes - ENVELOPE_BYTES, params.messages, context.seed);
    context.setPayloadInfo(payloads.info());
    const buffers = new SendBuffers(params.payloadBytes);
    // The producer in load clients (clients > 1, or on workers); the consumer and the delivery check stay here.
    const clients = (params.clients ?? 1) > 1 || context.remoteLoadClients ? await PubsubLoadClients.open(context) : undefined;
    try {
      await runPhases(context, payloads, buffers, clients);
    } finally {
      await clients?.close();
    }
  },
  loadClientRoles: {
    [PUBSUB_PRODUCER_ROLE]: (spec, driver, channel, signal) => runPubsubClient(spec as PubsubClientSpec, driver, channel, signal),
  },
};

/** The warm-up operations, then the measured ones. */
async function runPhases(context: WorkloadContext<PubsubParams>, payloads: PayloadSource, buffers: SendBuffers, clients: PubsubLoadClients | undefined): Promise<void> {
  const { params } = context;
  const phases = [
    { phase: 'warmup' as const, operations: context.warmup.operations },
    { phase: 'measured' as const, operations: params.operations },
  ];
  for (const { phase, operations } of phases) {
    if (operations === 0 || context.signal.aborted) continue;
    const recorder = await context.beginPhase(phase);
    const total = operations * params.messages;
    let lastProgress = 0;
    for (let op = 0; op < operations && !context.signal.aborted; op++) {
      const topic = `${context.topicPrefix}-${phase === 'warmup' ? 'w' : 'm'}${op}`;
      context.createdTopics.push(topic);
      const note = `op ${op + 1}/${operations}`;
      const result = await runOperation({
        driver: context.driver,
        topic,
        messages: params.messages,
        messageBytes: params.payloadBytes,
        payloads,
        buffers,
        recorder,
        stallTimeoutMs: params.timeout,
        signal: context.signal,
        ...(clients ? { remote: clients.producerFor(op, recorder, phase === 'measured') } : {}),
        onDelivered(count) {
          const now = performance.now();
          if (now - lastProgress < PROGRESS_EVERY_MS && count !== params.messages) return;
          lastProgress = now;
          context.progress({ phase, done: op * params.messages + count, total, unit: 'messages', note });
        },
      });
      if (result.aborted) {
        recorder.addDelivery(result.delivery);
        return;
      }
      const { lost, corrupt } = result.delivery;
      const undelivered = result.errorKind === 'stall' && lost > 0;
      if (result.error && !undelivered) {
        recorder.addDelivery(result.delivery);
        throw new Error(`${phase} ${note} on ${topic}: ${result.error.message}`, { cause: result.error });
      }
      if (lost > 0 || corrupt > 0) {
        recorder.addDelivery(result.delivery);
        context.fail(`${phase} ${note} on ${topic}: ${lost} lost, ${corrupt} corrupt of ${params.messages} messages`);
        return;
      }
      recorder.recordOperation(result.seconds, result.delivery);
    }
    if (clients && phase === 'measured') await stopClients(context, clients, recorder);
    await context.endPhase();
  }
}

/** After the measured operations: the clients' clocks, judged against the e2e median. */
async function stopClients(context: WorkloadContext<PubsubParams>, clients: PubsubLoadClients, recorder: PhaseRecorder): Promise<void> {
  await clients.stop();
  recordClocks(context, clients.clocks, context.params, recorder.e2eMedianMs());
}
