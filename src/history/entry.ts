/**
 * One result as the history keeps it: when and at which commit it was made, on which machine, of which scenario
 * configuration, and per case the figure of every metric (the median over trials, its 95% CI and each trial's value).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { headlineValue, METRICS } from '../results/metrics.js';
import type { Manifest, ResultFile } from '../results/result-file.js';
import { stableStringify } from '../util/stable-json.js';

/** The version of the entry format. */
export const HISTORY_VERSION = 1;

const metricValueSchema = z.object({
  /** The figure every reader shows: the median over trials of each trial's value. */
  value: z.number(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
  trials: z.array(z.number()),
});

/** One case of a result in the history. */
export const historyCaseSchema = z.object({
  id: z.string(),
  target: z.string(),
  workload: z.string(),
  label: z.string(),
  status: z.string(),
  /** The workload's key metric (what its published experiment reports), when it has one. */
  keyMetric: z.string().nullable(),
  metrics: z.record(z.string(), metricValueSchema),
});

/** One result in the history. */
export const historyEntrySchema = z.object({
  historyVersion: z.literal(HISTORY_VERSION),
  /** Identifies the result: the same result added twice is one entry. */
  resultId: z.string(),
  /** When the result was made (its start, or --at), ISO 8601; the series are in this order. */
  at: z.string(),
  addedAt: z.string(),
  /** The commit measured (--sha, else the tool's own commit from the manifest), and the ref it came from. */
  sha: z.string(),
  ref: z.string().nullable(),
  dirty: z.boolean(),
  /** The testbed: --machine, else a name made of the machine's CPU, cores and memory (never its hostname). */
  machine: z.string(),
  scenario: z.string(),
  configHash: z.string(),
  resultStatus: z.string(),
  cases: z.array(historyCaseSchema),
});

/** One result in the history. */
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
/** One case of a result in the history. */
export type HistoryCase = z.infer<typeof historyCaseSchema>;

/** What `history add` is told beside the result. */
export interface EntryOptions {
  sha?: string;
  ref?: string;
  at?: string;
  machine?: string;
  /** The metric each case is judged on by default (the workload's key metric). */
  keyMetricOf(params: Record<string, unknown>): string | undefined;
}

/** A testbed name from the machine's hardware: results of one CI runner type share it; its hostname does not count. */
export function machineName(machine: Manifest['machine']): string {
  const cpu = machine.cpuModel
    .toLowerCase()
    .replace(/\((r|tm)\)|cpu|@.*$|processor/g, ' ')
    .trim()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${machine.cores}c-${Math.round(machine.memoryBytes / 2 ** 30)}g-${cpu || 'unknown-cpu'}`;
}

/** The history's entry for `result`. */
export function entryFromResult(result: ResultFile, options: EntryOptions, now = new Date()): HistoryEntry {
  const { manifest } = result;
  return {
    historyVersion: HISTORY_VERSION,
    resultId: createHash('sha256').update(stableStringify({ manifest, cases: result.cases.map((entry) => entry.id) })).digest('hex').slice(0, 16),
    at: new Date(options.at ?? manifest.startedAt).toISOString(),
    addedAt: now.toISOString(),
    sha: options.sha ?? manifest.tool.gitSha,
    ref: options.ref ?? null,
    dirty: options.sha ? false : manifest.tool.dirty,
    machine: options.machine ?? machineName(manifest.machine),
    scenario: manifest.scenario.name,
    configHash: manifest.configHash,
    resultStatus: result.status,
    cases: result.cases.map((entry) => ({
      id: entry.id,
      target: entry.target,
      workload: entry.workload,
      label: entry.label,
      status: entry.status,
      keyMetric: options.keyMetricOf(entry.params) ?? null,
      metrics: entry.summary ? caseMetrics(entry.summary) : {},
    })),
  };
}

function caseMetrics(summary: NonNullable<ResultFile['cases'][number]['summary']>): HistoryCase['metrics'] {
  const metrics: HistoryCase['metrics'] = {};
  for (const metric of METRICS) {
    const value = headlineValue(summary, metric);
    if (value === null || !Number.isFinite(value)) continue;
    const stats = summary.trialStats?.[metric.key];
    metrics[metric.key] = { value, ci95: stats ? stats.ci95 : null, trials: stats?.values ?? [] };
  }
  return metrics;
}
