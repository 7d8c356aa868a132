/**
 * `nats bench js pub async` (natscli) as the NATS calibration: the same message size and count as the trial, with as
 * many PubAcks outstanding as the trial had sends in flight, into a stream made like mqbench's own.
 */
import { VERSIONS } from '../../install/versions.js';
import type { ToolProbeSpec, ToolReading } from '../driver.js';
import { execute } from '../../install/exec.js';
import { parseToolNumber } from '../perf-tool.js';
import { natsCliPath } from './install.js';

/** The arguments of `nats bench` for `spec` against `servers`, publishing into the existing stream `spec.topic`. */
export function natsBenchArgs(spec: ToolProbeSpec, servers: string): string[] {
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
  ];
}

/** The publisher rate `nats bench` printed, in messages per second. */
export function parseNatsBench(output: string): number {
  const match = /publisher stats: ([\d,.]+) msgs\/sec/.exec(output);
  if (!match) throw new Error(`nats bench printed no publisher stats:\n${output.trim().split('\n').slice(-5).join('\n')}`);
  return parseToolNumber(match[1]!);
}

/** Runs `nats bench` for `spec`; the caller has created the stream and deletes it. */
export async function runNatsBench(spec: ToolProbeSpec, servers: string): Promise<ToolReading> {
  const args = natsBenchArgs(spec, servers);
  const started = performance.now();
  const output = await execute(natsCliPath(), args, { label: 'nats bench', timeoutMs: spec.timeoutMs, signal: spec.signal });
  const messagesPerSec = parseNatsBench(output);
  return {
    tool: `nats bench (natscli ${VERSIONS.natscli})`,
    command: ['nats', ...args].join(' ').replace(/\/\/[^@/\s]*@/, '//***@'),
    settings: {
      publish: 'js.PublishAsync, waiting for each batch of PubAcks',
      pubAcksOutstanding: spec.concurrency,
      clients: 1,
      wallSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    },
    messages: spec.messages,
    messageBytes: spec.messageBytes,
    seconds: spec.messages / messagesPerSec,
    messagesPerSec,
    megabytesPerSec: (messagesPerSec * spec.messageBytes) / 1e6,
  };
}
