/** The warning a reader gets where mqbench's client, not the broker, limited a figure (or the perf tool did not run). */
import type { CaseResult } from '../results/result-file.js';

/** Below this share of the broker's own tool, mqbench's client, not the broker, is taken to limit a figure. */
export const CLIENT_EFFICIENCY_WARNING = 0.8;

/** The warnings for `entry` (write side, then read side): none when its client kept up with the broker's own tool (or no tool ran). */
export function clientEfficiencyWarnings(entry: CaseResult): string[] {
  const summary = entry.summary;
  if (!summary) return [];
  const warnings: string[] = [];
  const percent = (ratio: number) => (ratio * 100).toFixed(0);
  const pubsub = entry.params.type === 'pubsub';
  // An embedded engine's reference is another engine (Milvus's RocksMQ) or its raw store on the same disk, not the same broker.
  const embedded = summary.resourceScope === 'shared';
  if (summary.clientEfficiency != null && summary.clientEfficiency < CLIENT_EFFICIENCY_WARNING) {
    const tool = summary.toolCeiling!.tool;
    if (pubsub) {
      const times = `mqbench's operation took ${(1 / summary.clientEfficiency).toFixed(2)}× as long as ${tool}'s`;
      warnings.push(embedded ? `${times} on the same disk: the embedded engine's round trip, not the disk, sets part of this figure` : `${times} against the same broker: mqbench's client, not the broker, sets part of this figure`);
    } else {
      const share = `mqbench wrote at ${percent(summary.clientEfficiency)}% of ${tool}`;
      warnings.push(embedded ? `${share} on the same disk: the embedded engine and the harness beside it in one process, not the storage underneath, limit this figure` : `${share} against the same broker: mqbench's client, not the broker, limits this figure`);
    }
  }
  if (summary.readEfficiency != null && summary.readEfficiency < CLIENT_EFFICIENCY_WARNING) {
    const share = `mqbench read back at ${percent(summary.readEfficiency)}% of ${summary.toolCeiling!.readBack!.tool}`;
    warnings.push(embedded ? `${share} on the same disk: the embedded engine and the harness's check of every message, not the storage underneath, limit the read figure` : `${share}'s consumer: mqbench's consumer, not the broker, limits the read figure`);
  }
  if (summary.toolCeilingError) warnings.push(`${pubsub ? 'the Go reference' : "the broker's perf tool"} did not run: ${summary.toolCeilingError}`);
  if (summary.toolReadBackError) warnings.push(`the broker's perf tool could not read back: ${summary.toolReadBackError}`);
  return warnings;
}
