/**
 * The pub/sub operation through the Go client Milvus uses for each broker (`tools/pubsub-ref`): nats.go for NATS
 * (js.Publish awaiting each PubAck, an ephemeral push consumer), pulsar-client-go for Pulsar (a synchronous Send per
 * message, an Exclusive subscription from the earliest message), confluent-kafka-go for Kafka (a Produce per message
 * awaiting its delivery report). One fresh topic per operation, as mqbench's own.
 * The reading is the median seconds per operation.
 */
import { pubsubReferencePath } from '../install/go-reference.js';
import { execute } from '../install/exec.js';
import type { ReferenceProbeSpec, ToolReading } from './driver.js';
import { median } from '../util/stats.js';
import { toolReading } from './perf-tool.js';

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

/** How one broker's reference connects and publishes. */
export interface ReferenceConnection {
  broker: 'nats' | 'pulsar' | 'kafka';
  /** --url and the broker's own flags (credentials as files, never secrets on the command line). */
  args: string[];
  /** What a publish is, for the manifest. */
  publish: string;
}

/** Runs the Go reference of `connection.broker` for `spec`. */
export async function runPubsubReference(spec: ReferenceProbeSpec, connection: ReferenceConnection): Promise<ToolReading> {
  const binary = await pubsubReferencePath();
  const args = [
    `--broker=${connection.broker}`,
    ...connection.args,
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
      publish: connection.publish,
      consumer: result.consumer,
      operations: result.secondsPerOp.length,
      secondsPerOp: result.secondsPerOp.map((seconds) => seconds.toFixed(3)).join(', '),
    },
    messages: spec.messages,
    messageBytes: spec.messageBytes,
    messagesPerSec: spec.messages / secondsPerOp,
  });
}
