/**
 * `nats bench js pub async` (natscli) as the NATS calibration: the same message size and count as the trial, with as
 * many PubAcks outstanding as the trial had sends in flight, into a stream made like mqbench's own; and for the read
 * side `nats bench js consume`: a durable consumer with explicit acks (as mqbench's default consumer) reading the
 * trial's own stream back.
 */
import { VERSIONS } from '../../install/versions.js';
import { messagesWithin, type ToolProbeSpec, type ToolReadBackSpec, type ToolReading } from '../driver.js';
import { execute } from '../../install/exec.js';
import { parseToolNumber, toolReading } from '../perf-tool.js';
import { natsCliPath } from './install.js';

/** The arguments of `nats bench` for `spec` against `servers`, publishing into the existing stream `spec.topic`. */
export function natsBenchArgs(spec: ToolProbeSpec, servers: string, authFlags: string[] = []): string[] {
  return [
    'bench', 'js', 'pub', 'async', spec.topic,
    '--stream', spec.topic,
    '--msgs', String(spec.messages),
    '--size', `${spec.messageBytes}B`,
    '--batch', String(spec.concurrency),
    '--clients', '1',
    '--timeout', '60s',
    '--no-progress',
    '--server', servers,
    ...authFlags,
  ];
}

/** The publisher rate `nats bench` printed, in messages per second. */
export function parseNatsBench(output: string): number {
  const match = /publisher stats: ([\d,.]+) msgs\/sec/.exec(output);
  if (!match) throw new Error(`nats bench printed no publisher stats:\n${output.trim().split('\n').slice(-5).join('\n')}`);
  return parseToolNumber(match[1]!);
}

/** Runs `nats bench` for `spec`; the caller has created the stream and deletes it. */
export async function runNatsBench(spec: ToolProbeSpec, servers: string, authFlags: string[] = []): Promise<ToolReading> {
  const args = natsBenchArgs(spec, servers, authFlags);
  const started = performance.now();
  const output = await execute(natsCliPath(), args, { label: 'nats bench', timeoutMs: spec.timeoutMs, signal: spec.signal });
  const messagesPerSec = parseNatsBench(output);
  return toolReading({
    tool: natsBenchName(),
    command: natsBenchCommand(args),
    settings: {
      publish: 'js.PublishAsync, waiting for each batch of PubAcks',
      pubAcksOutstanding: spec.concurrency,
      clients: 1,
      wallSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    },
    messages: spec.messages,
    messageBytes: spec.messageBytes,
    messagesPerSec,
  });
}

/** The messages nats bench's consumer buffers (its `--batch` default)... */
const CONSUMER_BATCH = 500;
/** ...but no more than this many bytes of them: 500 of 1 MiB read at 51 msg/s here (mqbench's pulls are bounded alike). */
const CONSUMER_BATCH_BYTES = 32 * 1024 * 1024;

/** nats bench's consumer batch for messages of `messageBytes`. */
export function consumerBatch(messageBytes: number): number {
  return messagesWithin(CONSUMER_BATCH_BYTES, messageBytes, CONSUMER_BATCH);
}

/** The arguments of `nats bench` reading the trial's backlog (its stream) through a durable consumer of its own. */
export function natsBenchConsumeArgs(spec: ToolProbeSpec, backlog: ToolReadBackSpec, servers: string, authFlags: string[] = []): string[] {
  return [
    'bench', 'js', 'consume',
    // Its own durable consumer (named nats-bench), which it creates only under that default name.
    '--stream', backlog.topic,
    '--msgs', String(backlog.messages),
    '--size', `${spec.messageBytes}B`,
    '--batch', String(consumerBatch(spec.messageBytes)),
    '--acks', 'explicit',
    '--clients', '1',
    '--timeout', '60s',
    '--no-progress',
    '--server', servers,
    ...authFlags,
  ];
}

/** The consumer rate `nats bench` printed, in messages per second. */
export function parseNatsBenchConsume(output: string): number {
  const match = /consumer[^:\n]* stats: ([\d,.]+) msgs\/sec/.exec(output);
  if (!match) throw new Error(`nats bench printed no consumer stats:\n${output.trim().split('\n').slice(-5).join('\n')}`);
  return parseToolNumber(match[1]!);
}

/** Runs `nats bench js consume` over the trial's backlog. */
export async function runNatsBenchConsume(spec: ToolProbeSpec, backlog: ToolReadBackSpec, servers: string, authFlags: string[] = []): Promise<ToolReading> {
  const args = natsBenchConsumeArgs(spec, backlog, servers, authFlags);
  const output = await execute(natsCliPath(), args, { label: 'nats bench consume', timeoutMs: spec.timeoutMs, signal: spec.signal });
  return toolReading({
    tool: natsBenchName(),
    command: natsBenchCommand(args),
    settings: { consumer: 'durable, callback (consume), explicit ack per message', buffered: consumerBatch(spec.messageBytes), clients: 1 },
    messages: backlog.messages,
    messageBytes: spec.messageBytes,
    messagesPerSec: parseNatsBenchConsume(output),
  });
}

function natsBenchName(): string {
  return `nats bench (natscli ${VERSIONS.natscli})`;
}

/** The command line as recorded (toolReading masks the credentials in the server URL). */
function natsBenchCommand(args: string[]): string {
  return ['nats', ...args].join(' ');
}
