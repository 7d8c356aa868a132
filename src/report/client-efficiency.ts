/** The warning a reader gets where mqbench's client, not the broker, limited a figure (or the perf tool did not run). */
import type { CaseResult } from '../results/result-file.js';

/** Below this share of the broker's own tool, mqbench's client, not the broker, is taken to limit a figure. */
export const CLIENT_EFFICIENCY_WARNING = 0.8;

/** The warning for `entry`, or undefined when its client kept up with the broker's own tool (or no tool ran). */
export function clientEfficiencyWarning(entry: CaseResult): string | undefined {
  const summary = entry.summary;
  if (!summary) return undefined;
  if (summary.clientEfficiency != null && summary.clientEfficiency < CLIENT_EFFICIENCY_WARNING) {
    const percent = (summary.clientEfficiency * 100).toFixed(0);
    return `mqbench wrote at ${percent}% of ${summary.toolCeiling!.tool} against the same broker: mqbench's client, not the broker, limits this figure`;
  }
  if (summary.toolCeilingError) return `the broker's perf tool did not run: ${summary.toolCeilingError}`;
  return undefined;
}
