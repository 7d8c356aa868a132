/**
 * Kafka's ProducerPerformance (kafka-tools) as the Kafka calibration: the trial's message size and count, acks=all as
 * mqbench's producers, and otherwise the Java producer's own defaults (batch.size 16 KiB, linger.ms 5 in Kafka 4.x,
 * 5 requests in flight per connection, 32 MiB of buffer memory), which set how many sends it keeps outstanding.
 */
import { join } from 'node:path';
import { VERSIONS } from '../../install/versions.js';
import type { ToolProbeSpec, ToolReading } from '../driver.js';
import { execute } from '../../install/exec.js';
import { parseToolNumber, toolReading } from '../perf-tool.js';
import { kafkaHome } from './install.js';

/** The arguments after `java -cp <libs>/*` for `spec` against `brokers`. */
export function producerPerformanceArgs(spec: ToolProbeSpec, brokers: string, messageMaxBytes: number, clientConfig?: string): string[] {
  return [
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic', spec.topic,
    '--num-records', String(spec.messages),
    // JIT and connection warm-up are excluded from the figure, as mqbench's own warm-up is.
    '--warmup-records', String(Math.floor(spec.messages / 5)),
    '--record-size', String(spec.messageBytes),
    '--throughput', '-1',
    ...(clientConfig ? ['--command-config', clientConfig] : []),
    '--command-property', `bootstrap.servers=${brokers}`, 'acks=all', `max.request.size=${messageMaxBytes}`, `buffer.memory=${Math.max(32 * 1024 * 1024, 4 * spec.messageBytes)}`,
  ];
}

/**
 * The rate of ProducerPerformance's summary: the steady-state line when it ran with warm-up records ("N steady state
 * records sent, R records/sec (M MB/sec), …"), else the whole-run line ("N records sent, …").
 */
export function parseProducerPerformance(output: string): { records: number; recordsPerSec: number } {
  const steady = [...output.matchAll(/([\d,]+) steady state records sent, ([\d,.]+) records\/sec/g)];
  const whole = [...output.matchAll(/([\d,]+) records sent, ([\d,.]+) records\/sec/g)];
  const last = steady.at(-1) ?? whole.at(-1);
  if (!last) throw new Error(`ProducerPerformance printed no summary:\n${output.trim().split('\n').slice(-5).join('\n')}`);
  return { records: parseToolNumber(last[1]!), recordsPerSec: parseToolNumber(last[2]!) };
}

/** Runs ProducerPerformance for `spec` into the existing topic `spec.topic`. */
export async function runProducerPerformance(spec: ToolProbeSpec, brokers: string, messageMaxBytes: number, clientConfig?: string): Promise<ToolReading> {
  const args = producerPerformanceArgs(spec, brokers, messageMaxBytes, clientConfig);
  const output = await runKafkaTool('Kafka ProducerPerformance', args, spec);
  const { records, recordsPerSec } = parseProducerPerformance(output);
  return toolReading({
    tool: `Kafka ProducerPerformance ${VERSIONS.kafka}`,
    command: kafkaToolCommand(args),
    settings: {
      acks: 'all',
      'batch.size': 16384,
      'linger.ms': 5,
      'max.in.flight.requests.per.connection': 5,
      producers: 1,
      warmupRecords: Math.floor(spec.messages / 5),
      outstanding: 'bounded by buffer.memory and 5 requests in flight, not by the trial\'s in-flight count',
    },
    messages: records,
    messageBytes: spec.messageBytes,
    messagesPerSec: recordsPerSec,
  });
}

/** Runs one of Kafka's tool classes (`args` starts with the class) on the installed jars; returns what it printed. */
export function runKafkaTool(label: string, args: string[], spec: Pick<ToolProbeSpec, 'timeoutMs' | 'signal'>): Promise<string> {
  const classpath = `${join(kafkaHome(), 'libs')}/*`;
  const jvm = ['-Xmx512m', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${join(kafkaHome(), 'no-such-log4j2.xml')}`, '-Dlog4j2.level=WARN'];
  return execute('java', [...jvm, '-cp', classpath, ...args], { label, timeoutMs: spec.timeoutMs, signal: spec.signal });
}

/** The command line of a Kafka tool as recorded (the classpath abbreviated). */
export function kafkaToolCommand(args: string[]): string {
  return ['java', '-cp', "'<kafka libs>/*'", ...args].join(' ');
}
