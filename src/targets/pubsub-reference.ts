/**
 * The pub/sub operation through the Go client Milvus uses for each broker (`tools/pubsub-ref`): nats.go for NATS
 * (js.Publish awaiting each PubAck, an ephemeral push consumer), pulsar-client-go for Pulsar (a synchronous Send per
 * message, an Exclusive subscription from the earliest message), confluent-kafka-go for Kafka (a Produce per message
 * awaiting its delivery report); and for the embedded rocksmq engine, Milvus's own RocksMQ (tools/rocksmq-ref). One
 * fresh topic per operation, as mqbench's own.
 * The reading is the median seconds per operation.
 */
import { allocatorPreload, harnessAllocator } from '../util/allocator.js';
import { rm } from 'node:fs/promises';
import { pubsubReferencePath, rocksmqReferencePath } from '../install/go-reference.js';
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

/** Parses the JSON line a Go reference (pubsub-ref, rocksmq-ref) prints. */
export function parseReferenceOutput(output: string, name = 'pubsub-ref'): ReferenceOutput {
  const line = output.trim().split('\n').findLast((text) => text.startsWith('{'));
  const parsed = line ? (JSON.parse(line) as Partial<ReferenceOutput>) : undefined;
  if (!parsed?.client || !Array.isArray(parsed.secondsPerOp) || parsed.secondsPerOp.length === 0) {
    throw new Error(`${name} printed no result:\n${output.trim().split('\n').slice(-5).join('\n')}`);
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

/** Runs the Go reference of `connection.broker` for `spec` (tools/pubsub-ref). */
export async function runPubsubReference(spec: ReferenceProbeSpec, connection: ReferenceConnection): Promise<ToolReading> {
  return runGoReference(spec, { name: 'pubsub-ref', binary: await pubsubReferencePath(), args: [`--broker=${connection.broker}`, ...connection.args], publish: connection.publish });
}

/** Runs Milvus's own RocksMQ (tools/rocksmq-ref) for `spec`, with its stores in `directory` (removed afterwards). */
export async function runRocksmqReference(spec: ReferenceProbeSpec, directory: string): Promise<ToolReading> {
  try {
    return await runGoReference(spec, {
      name: 'rocksmq-ref',
      binary: await rocksmqReferencePath(),
      args: [`--dir=${directory}`],
      publish: "Milvus's rmq producer Send, one message each, returning once RocksDB has the write (no fsync)",
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** One Go reference program: its name, binary and flags before the operation's own. */
interface GoReference {
  name: string;
  binary: string;
  args: string[];
  publish: string;
}

/** Runs a Go reference program with the operation's flags and reads its JSON line. */
async function runGoReference(spec: ReferenceProbeSpec, reference: GoReference): Promise<ToolReading> {
  const args = [
    ...reference.args,
    `--messages=${spec.messages}`,
    `--size=${spec.messageBytes}`,
    `--operations=${spec.operations}`,
    `--prefix=${spec.topicPrefix}`,
    `--timeout=${Math.ceil(spec.stallTimeoutMs / 1000)}s`,
  ];
  // With the allocator of mqbench's own processes, so that the C code both sides run (RocksDB, librdkafka) allocates alike.
  const allocator = harnessAllocator();
  const output = await execute(reference.binary, args, { label: reference.name, timeoutMs: spec.timeoutMs, signal: spec.signal, env: allocatorPreload(allocator) });
  const result = parseReferenceOutput(output, reference.name);
  const secondsPerOp = median(result.secondsPerOp);
  return toolReading({
    tool: `${result.client} (Go reference of the pub/sub operation)`,
    command: [reference.name, ...args].join(' '),
    settings: {
      publish: reference.publish,
      consumer: result.consumer,
      operations: result.secondsPerOp.length,
      secondsPerOp: result.secondsPerOp.map((seconds) => seconds.toFixed(3)).join(', '),
      allocator: allocator.name === 'jemalloc' ? "jemalloc, as mqbench's processes (for its C code: Go's own heap does not use it)" : "the system's malloc, as mqbench's processes",
    },
    messages: spec.messages,
    messageBytes: spec.messageBytes,
    messagesPerSec: spec.messages / secondsPerOp,
  });
}
