import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogDriver, ToolProbeSpec, ToolReading } from '../../targets/driver.js';
import type { PhaseRecord } from '../../metrics/recorder.js';
import { ENVELOPE_BYTES, readEnvelope } from '../envelope.js';
import { PayloadSource } from '../payload.js';
import { streamDefinition } from './index.js';
import { payloadPoolSize, streamParamsSchema } from './params.js';

test("the perf tool's calibration is given the trial's own messages, from its payload generator and seed", async () => {
  const params = streamParamsSchema.parse({ type: 'stream', mode: 'closed-loop', inFlight: 4, payloadBytes: 1024, messages: 3000, consumer: 'after' });
  let asked: ToolProbeSpec | undefined;
  const driver = { probeTool: async (spec: ToolProbeSpec) => ((asked = spec), { messagesPerSec: 1 } as ToolReading) } as unknown as LogDriver;
  const measured = { counters: { messagesAcknowledged: 3000 }, durationSeconds: 1 } as unknown as PhaseRecord;
  await streamDefinition.afterTrial!({ params, driver, measured, failures: [], topicPrefix: 'mqb-1', warmupMessages: 0, seed: 9, signal: new AbortController().signal });
  assert.ok(asked?.writeMessage, 'the spec carries the trial’s messages');
  const trialBodies = new PayloadSource(params.payload, 1024 - ENVELOPE_BYTES, payloadPoolSize(params), 9);
  const message = Buffer.alloc(1024);
  asked.writeMessage(1234, message);
  const check = readEnvelope(message);
  assert.ok(check.ok && check.envelope.sequence === 1234);
  assert.deepEqual(message.subarray(ENVELOPE_BYTES), trialBodies.body(1234).bytes, 'body 1234 of the trial, seed 9');
});
