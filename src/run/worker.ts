/**
 * The worker seam: the coordinator sends a serialisable TrialCommand and gets a serialisable TrialRecord back.
 * LocalWorker runs trials in this process; a remote worker would receive the same commands over the network.
 */
import { allocatorInForce } from '../util/allocator.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PhaseRecorder } from '../metrics/recorder.js';
import { SelfAndLoadClientsProbe } from '../metrics/resources.js';
import { onClientHelper } from '../metrics/client-helpers.js';
import { ResourceSampler } from '../metrics/sampler.js';
import { grownBetween, totalOf, type StorageReading } from '../metrics/storage.js';
import { finishTrial, type EventLoopDelay, type TrialDraft, type TrialRecord, type TrialResources } from '../results/trial.js';
import type { LogDriver } from '../targets/driver.js';
import { isVectorStore, type VectorStore } from '../targets/vector-store.js';
import { findTarget } from '../targets/registry.js';
import { kindOf, type BrokerProcessSpec, type StorageSpec, type TargetDefinition } from '../targets/target.js';
import { nowMs } from '../util/clock.js';
import { errorMessage } from '../util/errors.js';
import { withTimeout } from '../util/timeout.js';
import type { FaultHandler } from '../faults/fault.js';
import type { WorkloadParams } from '../workloads/params.js';
import { workloadDefinition, workloadFor } from '../workloads/registry.js';
import type { TrialStepContext } from '../workloads/definition.js';
import type { Progress, WorkloadContext } from '../workloads/workload.js';
import { brokerProbe } from './broker-probe.js';
import { spawnLoadClients } from './load-clients.js';
import { connectRemoteLoadClients } from './remote-workers.js';
import { snapshotStorage } from './storage-spec.js';
import { settlePageCache } from '../util/page-cache.js';

/** Everything a worker needs to run one trial; plain data. */
export interface TrialCommand {
  caseId: string;
  /** 1-based trial number within the case. */
  trialNumber: number;
  /** Run-wide sequence number of this trial (unique scratch names). */
  sequence: number;
  target: { name: string; type: string; settings: unknown };
  endpoint: Record<string, unknown>;
  broker?: BrokerProcessSpec;
  storage: StorageSpec;
  workload: WorkloadParams;
  warmup: { operations: number; duration: number };
  seed: number;
  topicPrefix: string;
  samplingIntervalMs: number;
  cleanup: boolean;
  /** A directory for the trial's scratch files (removed with the run). */
  scratchDir: string;
  /** `mqbench worker` addresses the trial's load clients run on (else they are forked here). */
  workers?: string[];
}

/**
 * Runs trials. `faults` applies a fault to the trial's target on the coordinator's side (which owns the broker's
 * processes and its disk), for the durability workload.
 */
export interface Worker {
  runTrial(command: TrialCommand, onProgress: (progress: Progress) => void, signal: AbortSignal, faults?: FaultHandler): Promise<TrialRecord>;
}

const CLEANUP_TIMEOUT_MS = 30_000;
/** The longest `sync` waited for before a compared write window (see settlePageCache). */
const SETTLE_TIMEOUT_MS = 60_000;

/** Runs trials inside this process. */
export class LocalWorker implements Worker {
  async runTrial(command: TrialCommand, onProgress: (progress: Progress) => void, signal: AbortSignal, faults?: FaultHandler): Promise<TrialRecord> {
    const record: TrialDraft = {
      number: command.trialNumber,
      status: 'passed',
      failures: [],
      startedAt: new Date().toISOString(),
      endedAt: '',
    };
    const definition = findTarget(command.target.type);
    if (!definition) throw new Error(`unknown target type ${command.target.type}`);
    const workload = workloadDefinition(command.workload);
    let connection: LogDriver | VectorStore | undefined;
    const createdTopics: string[] = [];
    let storageBefore: Map<string, StorageReading> | undefined;
    try {
      storageBefore = await snapshotStorage(command.storage);
      connection = await definition.connect(command.endpoint, command.target.settings, { trialIndex: command.sequence });
      record.driver = await connection.describe();
      await this.runWorkload(command, definition, connection, record, createdTopics, onProgress, signal, faults);
      if (!isVectorStore(connection)) Object.assign(record, await workload.afterWorkload?.(this.stepContext(command, connection, record, createdTopics, signal)));
    } catch (error) {
      record.status = 'errored';
      record.error = errorMessage(error);
    }
    if (signal.aborted && record.status !== 'errored') record.status = 'incomplete';
    if (record.status === 'passed' && record.failures.length > 0) record.status = 'failed';
    if (storageBefore) {
      // What the trial wrote: each file's growth. A shared server freeing earlier trials' topics meanwhile (Kafka a
      // minute later, Pulsar's ledger GC) shrinks the total but not this.
      const afterFiles = await snapshotStorage(command.storage);
      const [before, after] = [totalOf(storageBefore), totalOf(afterFiles)];
      record.storage = { ...grownBetween(storageBefore, afterFiles), before, after, ...(after.bytes < before.bytes ? { reclaimed: true } : {}) };
    }
    const driver = connection && !isVectorStore(connection) ? connection : undefined;
    // After the storage reading, so a perf tool's own topic is not counted as the trial's.
    if (driver && record.status === 'passed' && workload.afterTrial) {
      Object.assign(record, await workload.afterTrial(this.stepContext(command, driver, record, createdTopics, signal)).catch((error: unknown) => ({ toolCeilingError: errorMessage(error) })));
    }
    if (driver) await this.cleanup(driver, command.cleanup, createdTopics);
    else if (connection) await withTimeout(connection.close(), CLEANUP_TIMEOUT_MS, 'closing the connection').catch(() => undefined);
    record.endedAt = new Date().toISOString();
    return finishTrial(record);
  }

  /** What a workload's steps after the workload get. */
  private stepContext(command: TrialCommand, driver: LogDriver, record: TrialDraft, createdTopics: string[], signal: AbortSignal): TrialStepContext<WorkloadParams> {
    const dropTopic = async (topic: string) => {
      await withTimeout(driver.deleteTopic(topic), CLEANUP_TIMEOUT_MS, `deleting topic ${topic}`);
      const index = createdTopics.indexOf(topic);
      if (index >= 0) createdTopics.splice(index, 1);
    };
    return {
      params: command.workload,
      driver,
      measured: record.measured,
      failures: record.failures,
      topicPrefix: command.topicPrefix,
      warmupMessages: record.warmup?.counters.messagesAcknowledged ?? 0,
      seed: command.seed,
      ...(command.cleanup ? { dropTopic } : {}),
      ...(storageIsHere(command) ? { settle: () => settle(signal) } : {}),
      signal,
    };
  }

  private async runWorkload(
    command: TrialCommand,
    definition: TargetDefinition,
    connection: LogDriver | VectorStore,
    record: TrialDraft,
    createdTopics: string[],
    onProgress: (progress: Progress) => void,
    signal: AbortSignal,
    faults: FaultHandler | undefined,
  ): Promise<void> {
    const clientProbe = new SelfAndLoadClientsProbe();
    const sampler = new ResourceSampler({ client: clientProbe, broker: brokerProbe(command.broker) }, command.samplingIntervalMs);
    const stopCountingHelpers = onClientHelper({ started: (pid) => clientProbe.addHelper(pid), exiting: (pid, usage) => clientProbe.helperExiting(pid, usage) });
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    let current: { phase: 'warmup' | 'measured'; recorder: PhaseRecorder } | undefined;
    let baselineRss = 0;
    const allocator = allocatorInForce();

    const endPhase = async () => {
      if (!current) return;
      const { phase, recorder } = current;
      current = undefined;
      if (phase === 'warmup') {
        record.warmup = recorder.toRecord();
        return;
      }
      recorder.end();
      loopDelay.disable();
      const usage = await sampler.stop();
      record.measured = recorder.toRecord();
      record.eventLoopDelayMs = summarizeLoopDelay(loopDelay);
      record.resources = {
        scope: command.broker ? 'separate' : kindOf(definition, command.target.settings) === 'embedded' ? 'shared' : 'client-only',
        ...usage,
        clientBaselineRssBytes: baselineRss,
        ...(clientProbe.loadClients > 0 ? { loadClients: clientProbe.loadClients } : {}),
        ...(clientProbe.remoteLoadClients > 0 ? { remoteLoadClients: clientProbe.remoteLoadClients } : {}),
        ...(clientProbe.clientHelpers > 0 ? { clientHelpers: clientProbe.clientHelpers } : {}),
        ...(allocator ? { clientAllocator: allocator } : {}),
      } satisfies TrialResources;
    };

    const context: WorkloadContext<WorkloadParams> = {
      connection,
      get driver() {
        if (isVectorStore(connection)) throw new Error(`target ${command.target.name} is a vector store: it runs only the vector workload`);
        return connection;
      },
      params: command.workload,
      warmup: command.warmup,
      seed: command.seed,
      topicPrefix: command.topicPrefix,
      createdTopics,
      signal,
      progress: onProgress,
      setPayloadInfo: (info) => (record.payload = info),
      fail: (reason) => record.failures.push(reason),
      setExtra: (key, value) => ((record.extras ??= {})[key] = value),
      scratchDir: command.scratchDir,
      async reconnect() {
        const fresh = await definition.connect(command.endpoint, command.target.settings, { trialIndex: command.sequence });
        if (isVectorStore(fresh)) throw new Error(`target ${command.target.name} is a vector store`);
        return fresh;
      },
      ...(faults ? { fault: faults } : {}),
      ...(definition.multiProcessClients
        ? {
            loadClients: async (count: number) => {
              const connect = { target: command.target, endpoint: command.endpoint, trialIndex: command.sequence };
              if (command.workers) return connectRemoteLoadClients(command.workers, count, connect, () => clientProbe.addRemote());
              return spawnLoadClients(count, connect, (pid) => clientProbe.add(pid));
            },
            remoteLoadClients: command.workers !== undefined,
          }
        : {}),
      async beginPhase(phase, options) {
        await endPhase();
        if (options?.settleWrites && storageIsHere(command)) record.settled = await settle(signal);
        if (phase === 'measured') {
          baselineRss = process.memoryUsage.rss();
          await sampler.start();
          loopDelay.enable();
        }
        const recorder = new PhaseRecorder(nowMs(), nowMs, Math.max(100, command.samplingIntervalMs));
        current = { phase, recorder };
        return recorder;
      },
      endPhase,
    };
    try {
      await workloadFor(command.workload.type).run(context);
    } finally {
      await endPhase();
      stopCountingHelpers();
    }
  }

  private async cleanup(driver: LogDriver, cleanup: boolean, topics: string[]): Promise<void> {
    if (cleanup && driver.discard) {
      await withTimeout(driver.discard(), CLEANUP_TIMEOUT_MS, 'discarding the trial store').catch(() => undefined);
      return;
    }
    for (const topic of cleanup ? topics : []) {
      // One failed deletion (a broker gone) ends the cleanup rather than waiting out every topic.
      const deleted = await withTimeout(driver.deleteTopic(topic), CLEANUP_TIMEOUT_MS, `deleting topic ${topic}`).then(() => true, () => false);
      if (!deleted) break;
    }
    await withTimeout(driver.close(), CLEANUP_TIMEOUT_MS, 'closing the driver').catch(() => undefined);
  }
}

/** Settles the page cache before a compared write window, within SETTLE_TIMEOUT_MS. */
function settle(signal: AbortSignal): ReturnType<typeof settlePageCache> {
  return settlePageCache({ timeoutMs: SETTLE_TIMEOUT_MS, signal });
}

/** Whether the target's data is on this machine's disks (local processes, containers, embedded engines). */
function storageIsHere(command: TrialCommand): boolean {
  return command.storage.kind === 'directories';
}

function summarizeLoopDelay(histogram: ReturnType<typeof monitorEventLoopDelay>): EventLoopDelay {
  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
  return {
    mean: ms(histogram.mean),
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
  };
}
