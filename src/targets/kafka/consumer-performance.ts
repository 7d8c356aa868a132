/**
 * Kafka's ConsumerPerformance (kafka-tools) as the read side of the Kafka calibration: one consumer in a fresh group
 * reads the trial's backlog (the messages mqbench wrote and read back) from the earliest offset, with the Java consumer's defaults (1 MiB fetch
 * per partition, 500 records a poll). Its overall rate (nMsg.sec) includes joining the group, as mqbench's read-back
 * is timed from opening its consumer.
 */
import { VERSIONS } from '../../install/versions.js';
import type { ToolProbeSpec, ToolReadBackSpec, ToolReading } from '../driver.js';
import { toolReading } from '../perf-tool.js';
import { kafkaToolCommand, runKafkaTool } from './producer-performance.js';

/** The arguments after `java -cp <libs>/*` for reading `backlog` from `brokers`. */
export function consumerPerformanceArgs(backlog: ToolReadBackSpec, brokers: string, clientConfig?: string): string[] {
  return [
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server', brokers,
    ...(clientConfig ? ['--command-config', clientConfig] : []),
    '--topic', backlog.topic,
    '--group', backlog.group,
    '--num-records', String(backlog.messages),
    '--timeout', '30000',
  ];
}

/** ConsumerPerformance's summary: the records it read and its overall rate (records/s, the group join included). */
export function parseConsumerPerformance(output: string): { records: number; recordsPerSec: number } {
  const lines = output.split('\n').map((line) => line.trim());
  const headerIndex = lines.findIndex((line) => line.startsWith('start.time,'));
  const header = lines[headerIndex]?.split(',').map((name) => name.trim());
  // The values follow the header, maybe after a warning (a timeout prints one between them).
  const valuesLine = lines.slice(headerIndex + 1).find((line) => /^\d{4}-\d\d-\d\d/.test(line));
  if (headerIndex < 0 || !header || !valuesLine) throw new Error(`ConsumerPerformance printed no summary:\n${output.trim().split('\n').slice(-5).join('\n')}`);
  const values = valuesLine.split(',').map((value) => value.trim());
  const field = (name: string) => {
    const value = Number(values[header.indexOf(name)]);
    if (!Number.isFinite(value)) throw new Error(`ConsumerPerformance: no ${name} in its summary: ${valuesLine}`);
    return value;
  };
  return { records: field('data.consumed.in.nMsg'), recordsPerSec: field('nMsg.sec') };
}

/** Reads the trial's backlog and returns the rate. */
export async function runConsumerPerformance(spec: ToolProbeSpec, brokers: string, backlog: ToolReadBackSpec, clientConfig?: string): Promise<ToolReading> {
  const args = consumerPerformanceArgs(backlog, brokers, clientConfig);
  const { records, recordsPerSec } = parseConsumerPerformance(await runKafkaTool('Kafka ConsumerPerformance', args, spec));
  if (records < backlog.messages) throw new Error(`ConsumerPerformance read ${records} of ${backlog.messages} records`);
  return toolReading({
    tool: `Kafka ConsumerPerformance ${VERSIONS.kafka}`,
    command: kafkaToolCommand(args),
    settings: { 'max.partition.fetch.bytes': 1048576, 'max.poll.records': 500, consumers: 1, timing: 'nMsg.sec (from its start, the group join included)' },
    messages: records,
    messageBytes: spec.messageBytes,
    messagesPerSec: recordsPerSec,
  });
}
