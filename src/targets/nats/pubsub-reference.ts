/**
 * The pub/sub operation through nats.go (`tools/pubsub-ref`), the Go client Milvus's natsmq uses: js.Publish awaiting
 * each PubAck, an ephemeral push consumer delivering from the first message, one fresh stream per operation (the
 * same stream settings as mqbench's driver). The reading is the median seconds per operation.
 */
import { natsCliAuthFlags, serversWithAuth, type NatsAuth } from './auth.js';
import { pubsubReferencePath } from '../../install/go-reference.js';
import { execute } from '../../install/exec.js';
import type { ReferenceProbeSpec, ToolReading } from '../driver.js';
import { median } from '../../util/stats.js';
import { toolReading } from '../perf-tool.js';

/** What pubsub-ref prints. */
interface ReferenceOutput {
  client: string;
  secondsPerOp: number[];
  consumer: string;
}

/** Parses pubsub-ref's JSON line. */
export function parseReferenceOutput(output: string): ReferenceOutput {
  const line = output.trim().split('\n').findLast((text) => text.startsWith('{'));
  const parsed = line ? (JSON.parse(line) as Partial<ReferenceOutput>) : undefined;
  if (!parsed?.client || !Array.isArray(parsed.secondsPerOp) || parsed.secondsPerOp.length === 0) {
    throw new Error(`pubsub-ref printed no result:\n${output.trim().split('\n').slice(-5).join('\n')}`);
  }
  return parsed as ReferenceOutput;
}

/** Runs the reference against `servers` for `spec`. */
export async function runNatsPubsubReference(spec: ReferenceProbeSpec, servers: string, auth: NatsAuth = {}): Promise<ToolReading> {
  const binary = await pubsubReferencePath();
  const args = [
    `--url=${serversWithAuth(servers, auth)}`,
    ...natsCliAuthFlags(auth),
    `--messages=${spec.messages}`,
    `--size=${spec.messageBytes}`,
    `--operations=${spec.operations}`,
    `--prefix=${spec.topicPrefix}`,
    `--timeout=${Math.ceil(spec.stallTimeoutMs / 1000)}s`,
  ];
  const output = await execute(binary, args, { label: 'pubsub-ref', timeoutMs: spec.timeoutMs, signal: spec.signal });
  const result = parseReferenceOutput(output);
  const secondsPerOp = median(result.secondsPerOp);
  return toolReading({
    tool: `${result.client} (Go reference of the pub/sub operation)`,
    command: ['pubsub-ref', ...args].join(' '),
    settings: {
      publish: 'js.Publish, each awaiting its PubAck',
      consumer: result.consumer,
      operations: result.secondsPerOp.length,
      secondsPerOp: result.secondsPerOp.map((seconds) => seconds.toFixed(3)).join(', '),
    },
    messages: spec.messages,
    messageBytes: spec.messageBytes,
    messagesPerSec: spec.messages / secondsPerOp,
  });
}
