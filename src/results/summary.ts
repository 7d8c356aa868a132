/** Case summaries: a pure function of a case's trial records (histograms merged, per-trial figures' medians). */
import { mergeEncoded, summarizeLatency } from '../metrics/histogram.js';
import { workloadDefinition } from '../workloads/registry.js';
import { addDelivery, emptyDelivery } from '../metrics/delivery-counts.js';
import { estimate } from '../util/statistics.js';
import { mean, median, quantile } from '../util/stats.js';
import { METRICS } from './metrics.js';
import type { ToolReading } from '../targets/driver.js';
import type { ResourceScope, TrialRecord } from './trial.js';
import type { CaseSummary, ToolSummary } from './summary-schema.js';

export type { CaseSummary, ToolSummary };

/**
 * Summarises the trials that have a measured phase (null when none has), with per-trial statistics. `workload` (the
 * case's type) adds its own sections (`vector`, `ticks`), summarised by the workload's definition.
 */
export function summarizeTrials(trials: readonly TrialRecord[], workload?: string): CaseSummary | null {
  const summary = summarizeTogether(trials, workload);
  if (!summary) return null;
  const perTrial = trials.map((trial) => summarizeTogether([trial], workload)).filter((entry): entry is CaseSummary => entry !== null);
  for (const metric of METRICS) {
    const values = perTrial.map((entry) => metric.read(entry)).filter((value): value is number => value !== null && Number.isFinite(value));
    if (values.length > 0) summary.trialStats[metric.key] = { ...estimate(values), values };
  }
  return summary;
}

/** The summary of trials taken together (histograms merged, per-trial scalars' medians), without trialStats. */
function summarizeTogether(trials: readonly TrialRecord[], workload: string | undefined): CaseSummary | null {
  const measured = trials.filter((trial) => trial.measured !== undefined);
  if (measured.length === 0) return null;
  const phases = measured.map((trial) => trial.measured!);
  const opSeconds = phases.flatMap((phase) => phase.opSeconds);
  const publish = mergeEncoded(phases.map((phase) => phase.histograms.publishLatencyUs));
  const e2e = mergeEncoded(phases.map((phase) => phase.histograms.e2eLatencyUs));
  const sendDelay = mergeEncoded(phases.flatMap((phase) => (phase.histograms.sendDelayUs ? [phase.histograms.sendDelayUs] : [])));
  const activeSeconds = (trial: TrialRecord) => {
    const phase = trial.measured!;
    const opTotal = phase.opSeconds.reduce((sum, seconds) => sum + seconds, 0);
    return opTotal > 0 ? opTotal : phase.durationSeconds;
  };
  const deliveredMegabytesPerSec = (trial: TrialRecord) => trial.measured!.counters.bytesDelivered / 1e6 / activeSeconds(trial);
  const writtenMegabytesPerSec = (trial: TrialRecord) => perWriteSecond(trial, trial.measured!.counters.bytesAcknowledged / 1e6);
  const perTrial = (pick: (trial: TrialRecord) => number | undefined) => {
    const values = measured.map(pick).filter((value): value is number => value !== undefined && Number.isFinite(value));
    return values.length === 0 ? null : median(values);
  };
  const ceiling = perTrial((trial) => trial.ceiling?.megabytesPerSec);
  const scopes = measured.map((trial) => trial.resources?.scope);
  const scope: ResourceScope = scopes.every((one) => one === 'separate') ? 'separate' : scopes.includes('shared') ? 'shared' : 'client-only';
  const shared = scope !== 'separate';
  const delivered = phases.reduce((sum, phase) => sum + phase.counters.messagesDelivered, 0);
  const storageBytes = perTrial((trial) => trial.storage?.bytes);
  const summary: CaseSummary = {
    trials: measured.length,
    opSeconds:
      opSeconds.length === 0
        ? null
        : { mean: mean(opSeconds), p50: quantile(opSeconds, 0.5), p99: quantile(opSeconds, 0.99), count: opSeconds.length },
    publishLatencyMs: summarizeLatency(publish),
    e2eLatencyMs: summarizeLatency(e2e),
    throughput: {
      messagesPerSec: perTrial((trial) => trial.measured!.counters.messagesDelivered / activeSeconds(trial)) ?? 0,
      megabytesPerSec: perTrial(deliveredMegabytesPerSec) ?? 0,
      writeMessagesPerSec: perTrial((trial) => perWriteSecond(trial, trial.measured!.counters.messagesAcknowledged)),
      writeMegabytesPerSec: perTrial(writtenMegabytesPerSec),
      readMessagesPerSec: perTrial((trial) => readRate(trial, 'messages')),
      readMegabytesPerSec: perTrial((trial) => readRate(trial, 'bytes', 1e6)),
    },
    cpuSeconds: {
      broker: shared ? null : perTrial((trial) => trial.resources?.broker?.cpuSeconds),
      client: perTrial((trial) => trial.resources?.client.cpuSeconds) ?? 0,
    },
    cpuCores: {
      broker: shared ? null : perTrial((trial) => ratio(trial.resources?.broker?.cpuSeconds, trial.measured!.durationSeconds)),
      client: perTrial((trial) => ratio(trial.resources?.client.cpuSeconds, trial.measured!.durationSeconds)) ?? 0,
    },
    peakRssBytes: {
      broker: shared ? null : perTrial((trial) => trial.resources?.broker?.peakRssBytes),
      client: perTrial((trial) => trial.resources?.client.peakRssBytes) ?? 0,
    },
    meanRssBytes: {
      broker: shared ? null : perTrial((trial) => trial.resources?.broker?.meanRssBytes),
      client: perTrial((trial) => trial.resources?.client.meanRssBytes) ?? 0,
    },
    resourceScope: scope,
    storageBytes,
    storageBytesPerMessage: storageBytes === null || delivered === 0 ? null : storageBytes / (delivered / measured.length),
    delivery: trials.reduce((sum, trial) => (trial.measured ? addDelivery(sum, trial.measured.delivery) : sum), emptyDelivery()),
    warmupDelivery: trials.reduce((sum, trial) => {
      const inWarmup = trial.warmup ? addDelivery(sum, trial.warmup.delivery) : sum;
      return trial.measured?.warmupDelivery ? addDelivery(inWarmup, trial.measured.warmupDelivery) : inWarmup;
    }, emptyDelivery()),
    eventLoopDelayMs: {
      p99: Math.max(0, ...measured.map((trial) => trial.eventLoopDelayMs?.p99 ?? 0)),
      max: Math.max(0, ...measured.map((trial) => trial.eventLoopDelayMs?.max ?? 0)),
    },
    sendDelayMs: summarizeLatency(sendDelay),
    lateSends: phases.reduce((sum, phase) => sum + (phase.counters.lateSends ?? 0), 0),
    ceiling: ceiling === null ? null : { megabytesPerSec: ceiling, method: measured.find((trial) => trial.ceiling)!.ceiling!.method },
    ratioToCeiling: null,
    ...summarizeTool(measured, perTrial),
    ticks: null,
    durability: null,
    vector: null,
    trialStats: {},
  };
  const sections = summary as unknown as Record<string, unknown>;
  for (const section of (workload && workloadDefinition(workload)?.sections) || []) {
    sections[section.key] = section.summarize(measured.map((trial) => ({ measured: trial.measured!, extras: trial.extras })));
  }
  // The ceiling is the backend's raw write throughput, so the WAL's write throughput is what compares with it.
  summary.ratioToCeiling = perTrial((trial) => ratio(writtenMegabytesPerSec(trial) ?? deliveredMegabytesPerSec(trial), trial.ceiling?.megabytesPerSec ?? 0));
  publish.destroy();
  e2e.destroy();
  sendDelay.destroy();
  return summary;
}

/** The perf tool's medians and mqbench's write (and read-back) msg/s over them, trial by trial (paired, as the ceiling ratio). */
function summarizeTool(
  trials: readonly TrialRecord[],
  perTrial: (pick: (trial: TrialRecord) => number | undefined) => number | null,
): Pick<CaseSummary, 'toolCeiling' | 'clientEfficiency' | 'readEfficiency' | 'toolCeilingError' | 'toolReadBackError'> {
  const first = trials.find((trial) => trial.toolCeiling)?.toolCeiling;
  const error = trials.find((trial) => trial.toolCeilingError)?.toolCeilingError;
  if (!first) return error ? { toolCeiling: null, clientEfficiency: null, toolCeilingError: error } : {};
  // A pub/sub trial's reference ran the same operations: compare messages per operation over the median operation.
  const written = (trial: TrialRecord) => {
    const { opSeconds, counters } = trial.measured!;
    return opSeconds.length > 0 ? counters.messagesAcknowledged / opSeconds.length / median(opSeconds) : perWriteSecond(trial, counters.messagesAcknowledged);
  };
  const read = (trial: TrialRecord) => readRate(trial, 'messages');
  const readings = (pick: (trial: TrialRecord) => ToolReading | undefined): ToolSummary | null => {
    const one = trials.map(pick).find((reading) => reading !== undefined);
    if (!one) return null;
    return {
      tool: one.tool,
      messagesPerSec: perTrial((trial) => pick(trial)?.messagesPerSec)!,
      megabytesPerSec: perTrial((trial) => pick(trial)?.megabytesPerSec)!,
      command: one.command,
      settings: one.settings,
    };
  };
  const readBack = readings((trial) => trial.toolCeiling?.readBack);
  const readBackError = trials.find((trial) => trial.toolCeiling?.readBackError)?.toolCeiling?.readBackError;
  return {
    toolCeiling: { ...readings((trial) => trial.toolCeiling)!, ...(readBack ? { readBack } : {}) },
    clientEfficiency: perTrial((trial) => ratio(written(trial), trial.toolCeiling?.messagesPerSec ?? 0)),
    ...(readBack ? { readEfficiency: perTrial((trial) => ratio(read(trial), trial.toolCeiling?.readBack?.messagesPerSec ?? 0)) } : {}),
    toolCeilingError: error ?? null,
    ...(readBackError && !readBack ? { toolReadBackError: readBackError } : {}),
  };
}

/** `amount` per second of the trial's write window (closed-loop and open-loop streams), when there was one. */
function perWriteSecond(trial: TrialRecord, amount: number): number | undefined {
  const seconds = trial.measured!.writeSeconds;
  return seconds === undefined || seconds <= 0 || trial.measured!.opSeconds.length > 0 ? undefined : amount / seconds;
}

/** Messages (or bytes / `unit`) per second of the trial's read-back, when it read a backlog after its writes. */
function readRate(trial: TrialRecord, field: 'messages' | 'bytes', unit = 1): number | undefined {
  const readBack = trial.measured!.readBack;
  return readBack === undefined || readBack.seconds <= 0 ? undefined : readBack[field] / unit / readBack.seconds;
}

function ratio(numerator: number | undefined, denominator: number): number | undefined {
  return numerator === undefined || denominator <= 0 ? undefined : numerator / denominator;
}
