/** The catalogue of summary metrics: how to read each from a case summary, its unit, and which direction is better. */
import type { MetricInfo } from '../metrics/metric.js';
import { formatBytes, trimNumber } from '../util/units.js';
import type { SectionMetric } from '../workloads/definition.js';
import { WORKLOADS } from '../workloads/registry.js';
import type { CaseSummary } from './summary.js';

/** One metric of a case summary. */
export interface MetricDefinition extends MetricInfo {
  read(summary: CaseSummary): number | null;
}

/** A broker figure only where the broker's process was measured apart (never the client's under another name). */
const brokerOnly = (summary: CaseSummary, side: { broker: number | null }) => (summary.resourceScope === 'separate' ? side.broker : null);

/**
 * The figure every reader shows for `metric` — terminal table, report, exports, absolute gate rules — and the one
 * compare and relative rules test: the median over trials of each trial's own value (`trialStats`, with its
 * bootstrap CI), or, where no trial has one, the value read from the summary (e.g. a result written before
 * trialStats existed). With one trial it is that trial's value.
 */
export function headlineValue(summary: CaseSummary, metric: MetricDefinition): number | null {
  return summary.trialStats?.[metric.key]?.median ?? metric.read(summary);
}

/** Every metric shown in tables and charts, in display order. */
export const METRICS: readonly MetricDefinition[] = [
  { key: 'opSeconds.mean', label: 's/op', unit: 'seconds', better: 'lower', read: (s) => s.opSeconds?.mean ?? null },
  { key: 'e2eLatencyMs.p50', label: 'e2e p50', unit: 'ms', better: 'lower', read: (s) => count(s.e2eLatencyMs.count, s.e2eLatencyMs.p50) },
  { key: 'e2eLatencyMs.p99', label: 'e2e p99', unit: 'ms', better: 'lower', read: (s) => count(s.e2eLatencyMs.count, s.e2eLatencyMs.p99) },
  { key: 'publishLatencyMs.p50', label: 'publish p50', unit: 'ms', better: 'lower', read: (s) => count(s.publishLatencyMs.count, s.publishLatencyMs.p50) },
  { key: 'publishLatencyMs.p99', label: 'publish p99', unit: 'ms', better: 'lower', read: (s) => count(s.publishLatencyMs.count, s.publishLatencyMs.p99) },
  { key: 'throughput.messagesPerSec', label: 'msg/s', unit: 'messages/s', better: 'higher', read: (s) => s.throughput.messagesPerSec },
  { key: 'throughput.megabytesPerSec', label: 'MB/s', unit: 'MB/s', better: 'higher', read: (s) => s.throughput.megabytesPerSec },
  { key: 'throughput.writeMegabytesPerSec', label: 'write MB/s', unit: 'MB/s', better: 'higher', read: (s) => s.throughput.writeMegabytesPerSec ?? null },
  { key: 'throughput.readMessagesPerSec', label: 'read msg/s', unit: 'messages/s', better: 'higher', read: (s) => s.throughput.readMessagesPerSec ?? null },
  { key: 'throughput.readMegabytesPerSec', label: 'read MB/s', unit: 'MB/s', better: 'higher', read: (s) => s.throughput.readMegabytesPerSec ?? null },
  {
    key: 'cpuSeconds.broker',
    label: 'broker CPU s',
    unit: 'seconds',
    better: 'lower',
    read: (s) => brokerOnly(s, s.cpuSeconds),
  },
  // For an embedded target the client's process runs the broker too: its figures are broker+client (resourceScope shared).
  { key: 'cpuSeconds.client', label: 'client CPU s', unit: 'seconds', better: 'lower', read: (s) => s.cpuSeconds.client },
  {
    key: 'peakRssBytes.broker',
    label: 'broker peak RSS',
    unit: 'bytes',
    better: 'lower',
    read: (s) => brokerOnly(s, s.peakRssBytes),
  },
  { key: 'peakRssBytes.client', label: 'client peak RSS', unit: 'bytes', better: 'lower', read: (s) => s.peakRssBytes.client },
  { key: 'storageBytes', label: 'storage', unit: 'bytes', better: 'lower', read: (s) => s.storageBytes },
  { key: 'ceiling.megabytesPerSec', label: 'ceiling MB/s', unit: 'MB/s', better: 'higher', read: (s) => s.ceiling?.megabytesPerSec ?? null },
  { key: 'ratioToCeiling', label: 'of ceiling', unit: 'ratio', better: 'higher', read: (s) => s.ratioToCeiling ?? null },
  { key: 'toolCeiling.messagesPerSec', label: 'tool msg/s', unit: 'messages/s', better: 'higher', read: (s) => s.toolCeiling?.messagesPerSec ?? null },
  { key: 'clientEfficiency', label: 'vs tool', unit: 'ratio', better: 'higher', read: (s) => s.clientEfficiency ?? null },
  { key: 'toolCeiling.readBack.messagesPerSec', label: 'tool read msg/s', unit: 'messages/s', better: 'higher', read: (s) => s.toolCeiling?.readBack?.messagesPerSec ?? null },
  { key: 'readEfficiency', label: 'read vs tool', unit: 'ratio', better: 'higher', read: (s) => s.readEfficiency ?? null },
  { key: 'sendDelayMs.p99', label: 'send delay p99', unit: 'ms', better: 'lower', read: (s) => (s.sendDelayMs && s.sendDelayMs.count > 0 ? s.sendDelayMs.p99 : null) },
  ...sectionMetrics(),
  { key: 'lateSends', label: 'late sends', unit: 'count', better: 'lower', read: (s) => (s.sendDelayMs && s.sendDelayMs.count > 0 ? s.lateSends : null) },
];

/** The metrics of every workload's own summary sections (each once, in the registry's order), read where present. */
function sectionMetrics(): MetricDefinition[] {
  const seen = new Map<string, MetricDefinition>();
  for (const definition of WORKLOADS) {
    for (const section of definition.sections ?? []) {
      for (const metric of section.metrics as ReadonlyArray<SectionMetric<unknown>>) {
        if (seen.has(metric.key)) continue;
        const { read, ...info } = metric;
        seen.set(metric.key, {
          ...info,
          read: (summary) => {
            const value = (summary as unknown as Record<string, unknown>)[section.key];
            return value === null || value === undefined ? null : read(value);
          },
        });
      }
    }
  }
  return [...seen.values()];
}

function count(samples: number, value: number): number | null {
  return samples === 0 ? null : value;
}

/** Formats a metric value for tables. */
export function formatMetric(metric: MetricDefinition, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  switch (metric.unit) {
    case 'bytes':
      return formatBytes(value, 1);
    case 'seconds':
      return trimNumber(value, 4);
    case 'messages/s':
      return value >= 1000 ? Math.round(value).toLocaleString('en-US') : trimNumber(value, 3);
    case 'ratio':
      return `${(value * 100).toFixed(0)}%`;
    case 'count':
      return String(Math.round(value));
    default:
      return trimNumber(value, 3);
  }
}

/** The index of the best value (lowest or highest per the metric), or -1 when fewer than two values exist. */
export function bestIndex(metric: MetricDefinition, values: ReadonlyArray<number | null>): number {
  const present = values.map((value, index) => ({ value, index })).filter((entry) => entry.value !== null && Number.isFinite(entry.value));
  if (present.length < 2) return -1;
  const sorted = present.sort((a, b) => (metric.better === 'lower' ? a.value! - b.value! : b.value! - a.value!));
  return sorted[0]!.index;
}
