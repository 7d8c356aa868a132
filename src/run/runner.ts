/**
 * The coordinator of a run: orders trials (targets interleaved, A B A B …), provisions each target once, sends
 * trial commands to a worker, writes result.json after every trial (so a crash loses at most one trial) and the
 * report at the end, and tears down everything it started on every exit path.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { provisionTarget, type ProvisionedTarget } from './provision-target.js';
import { writeResultFile } from '../results/io.js';
import { configHash, machineInfo, resolvedConfig, toolInfo } from '../results/manifest.js';
import { recordedEnvironment } from '../scenario/environment.js';
import type { CaseResult, ResultFile } from '../results/result-file.js';
import { summarizeTrials } from '../results/summary.js';
import { renderHtmlReport } from '../report/html.js';
import type { LoadedScenario, PlannedCase } from '../scenario/load.js';
import { errorMessage } from '../util/errors.js';
import { applyFault } from '../faults/apply.js';
import type { TargetInstance } from '../targets/target.js';
import { workloadDefinition } from '../workloads/registry.js';
import { redactDeep, redactScenarioText, redactSecrets } from '../util/redact.js';
import type { RunListener } from './events.js';
import { caseStatus, runStatus } from './status.js';
import { ProcessWorker } from './process-worker.js';
import { brokerProbe } from './broker-probe.js';
import { evictFromPageCache } from '../util/page-cache-evict.js';
import { NeighbourWatch, type Neighbour } from './neighbours.js';
import type { Worker } from './worker.js';

/** How to run a loaded scenario. */
export interface RunOptions {
  /** Where result.json, report.html and broker logs go. */
  outDir: string;
  /** The command line that reproduces this run (stored in the manifest). */
  command: string;
  /** Aborting it interrupts the run: what was measured is written, marked incomplete. */
  signal?: AbortSignal;
  /** Where trials run (default: a fresh process per trial, ProcessWorker). */
  worker?: Worker;
  onEvent?: RunListener;
  /** Keep broker data directories after the run (default: removed). */
  keepData?: boolean;
  /** The memory allocator of the trial and load-client processes, as the manifest says it (util/allocator.ts). */
  allocator?: string;
}

/** Runs every case of `loaded` and returns the result (also written to `outDir`). */
export async function runScenario(loaded: LoadedScenario, options: RunOptions): Promise<ResultFile> {
  const emit = options.onEvent ?? (() => undefined);
  const signal = options.signal ?? new AbortController().signal;
  const worker = options.worker ?? new ProcessWorker();
  const runId = randomBytes(3).toString('hex');
  // Absolute: brokers started from a script that changes directory (bin/pulsar) get paths that still work.
  const outDir = resolve(options.outDir);
  const workDir = join(outDir, 'work');
  const resultPath = join(outDir, 'result.json');
  const reportPath = join(outDir, 'report.html');
  await mkdir(workDir, { recursive: true });

  const result = initialResult(loaded, options);
  const caseResults = new Map(result.cases.map((entry) => [entry.id, entry]));
  const trials = loaded.file.trials;
  emit({ type: 'run-start', scenario: loaded.file.name, outDir, cases: loaded.cases.length, trials });
  await writeResultFile(resultPath, result);

  const provisioned = new Map<string, Promise<ProvisionedTarget>>();
  const provision = (planned: PlannedCase) => {
    let pending = provisioned.get(planned.target.name);
    if (!pending) {
      const dirs = { dir: join(workDir, planned.target.name), logDir: join(outDir, 'logs') };
      const lazyFs = loaded.cases.some((other) => other.target.name === planned.target.name && workloadDefinition(other.params).needsLazyFs?.(other.params));
      pending = provisionTarget(planned.target, dirs, signal, emit, { lazyFs });
      provisioned.set(planned.target.name, pending);
    }
    return pending;
  };

  let sequence = 0;
  try {
    for (const group of groupByPoint(loaded.cases)) {
      for (let trial = 1; trial <= trials && !signal.aborted; trial++) {
        for (const planned of group) {
          if (signal.aborted) break;
          const entry = caseResults.get(planned.id)!;
          if (entry.status === 'errored' && entry.trials.length === 0) continue;
          const target = await provision(planned);
          const manifestTarget = result.manifest.targets[planned.target.name]!;
          manifestTarget.provider = target.provider;
          if (!target.ok) {
            manifestTarget.error = redactSecrets(target.error);
            markErrored(entry, `${planned.target.name} could not be started: ${redactSecrets(target.error)}`);
            emit({ type: 'case-end', caseId: entry.id, status: entry.status });
            continue;
          }
          manifestTarget.instance = redactDeep(target.instance.info);
          const failure = target.instance.failure?.();
          if (failure) {
            markErrored(entry, failure);
            emit({ type: 'case-end', caseId: entry.id, status: entry.status });
            continue;
          }
          sequence += 1;
          emit({ type: 'trial-start', caseId: planned.id, label: planned.label, target: planned.target.name, trial, trials });
          const evicted = loaded.file.pageCache.evict ? await evictFromPageCache(await dataPaths(provisioned), { timeoutMs: EVICT_TIMEOUT_MS, signal }) : undefined;
          const neighbours = await neighboursOf(provisioned, planned.target.name);
          const watch = new NeighbourWatch(neighbours);
          const policy = { quietBelow: loaded.file.neighbours.quietBelow, waitMs: loaded.file.neighbours.wait };
          const settled = neighbours.length === 0 ? undefined : await watch.settle(policy, signal, (waitedMs, busy) => {
            const note = `waiting for other brokers to go quiet: ${busy.map((neighbour) => `${neighbour.target} ${neighbour.cores.toFixed(2)} cores`).join(', ')}`;
            emit({ type: 'trial-progress', caseId: planned.id, trial, progress: { phase: 'warmup', done: Math.round(waitedMs / 1000), total: Math.round(policy.waitMs / 1000), unit: 'seconds', note } });
          });
          watch.start();
          const record = await worker.runTrial(
            {
              caseId: planned.id,
              trialNumber: trial,
              sequence,
              target: planned.target,
              endpoint: target.instance.endpoint,
              broker: currentBroker(target.instance),
              storage: target.instance.storage,
              workload: planned.params,
              warmup: loaded.file.warmup,
              seed: loaded.file.seed,
              topicPrefix: `mqb-${runId}-${sequence}`,
              samplingIntervalMs: loaded.file.sampling.interval,
              cleanup: loaded.file.cleanup,
              scratchDir: join(workDir, 'scratch', String(sequence)),
              ...(loaded.file.workers ? { workers: loaded.file.workers } : {}),
            },
            (progress) => emit({ type: 'trial-progress', caseId: planned.id, trial, progress }),
            signal,
            (request) => applyFault({ target: planned.target.name, provider: target.provider, faults: target.instance.faults }, request, signal),
          ).finally(() => watch.stop());
          Object.assign(record, watch.surroundings(record, settled && { quietBelow: policy.quietBelow, ...settled }), evicted ? { evicted } : {});
          manifestTarget.driver ??= redactDeep(record.driver);
          if (record.error) record.error = redactSecrets(record.error);
          const brokerFailure = await brokerFailureAfter(target.instance, record.status === 'errored');
          if (brokerFailure && record.status !== 'incomplete') {
            record.status = 'errored';
            record.error = record.error ? `${record.error} (${brokerFailure})` : brokerFailure;
          }
          entry.trials.push(record);
          entry.failures.push(...record.failures);
          entry.error ??= record.error;
          entry.status = caseStatus(entry.trials, trials);
          entry.summary = summarizeTrials(entry.trials, entry.workload);
          emit({ type: 'trial-end', caseId: planned.id, trial, record });
          if (entry.trials.length === trials || entry.status === 'errored') emit({ type: 'case-end', caseId: entry.id, status: entry.status });
          await writeResultFile(resultPath, result);
        }
      }
    }
  } catch (error) {
    result.reason = `the run stopped: ${errorMessage(error)}`;
    for (const entry of result.cases) if (entry.trials.length === 0 && entry.status === 'incomplete') entry.error ??= result.reason;
  } finally {
    await teardown(provisioned, options.keepData ? undefined : workDir);
  }

  if (signal.aborted) {
    result.reason = `interrupted (${String(signal.reason ?? 'aborted')})`;
    emit({ type: 'interrupted', reason: result.reason });
  }
  result.status = result.reason && !signal.aborted ? 'errored' : runStatus(result.cases, signal.aborted);
  result.manifest.endedAt = new Date().toISOString();
  await writeResultFile(resultPath, result);
  await writeFile(reportPath, renderHtmlReport([result]));
  emit({ type: 'run-end', result, resultPath, reportPath });
  return result;
}

function initialResult(loaded: LoadedScenario, options: RunOptions): ResultFile {
  return {
    schemaVersion: 1,
    status: 'incomplete',
    manifest: {
      tool: toolInfo(),
      scenario: {
        name: loaded.file.name,
        path: loaded.path,
        sha256: loaded.sha256,
        text: redactScenarioText(loaded.text),
        resolved: redactDeep(resolvedConfig(loaded)),
        overrides: redactDeep(loaded.overrides),
        ...(loaded.file.reference ? { reference: loaded.file.reference } : {}),
      },
      configHash: configHash(loaded),
      machine: machineInfo(),
      node: process.version,
      provider: loaded.file.provider,
      startedAt: new Date().toISOString(),
      endedAt: null,
      seed: loaded.file.seed,
      command: options.command,
      environment: recordedEnvironment(process.env),
      ...(options.allocator ? { allocator: options.allocator } : {}),
      targets: Object.fromEntries(
        loaded.targets.map((target) => [target.name, { type: target.type, provider: target.provider, settings: redactDeep(target.settings), instance: {} }]),
      ),
    },
    cases: loaded.cases.map(
      (planned): CaseResult => ({
        id: planned.id,
        target: planned.target.name,
        workload: planned.params.type,
        params: planned.params,
        label: planned.label,
        status: 'incomplete',
        failures: [],
        summary: null,
        trials: [],
      }),
    ),
  };
}

/** Cases grouped by parameter point, in plan order (so targets alternate within each point). */
function groupByPoint(cases: readonly PlannedCase[]): PlannedCase[][] {
  const groups = new Map<string, PlannedCase[]>();
  for (const planned of cases) {
    const key = JSON.stringify(planned.params);
    groups.set(key, [...(groups.get(key) ?? []), planned]);
  }
  return [...groups.values()];
}

/** How long an errored trial waits for its broker's exit to be noticed before the error is taken as the client's. */
const BROKER_EXIT_GRACE_MS = 3_000;

/**
 * Why the broker is unusable, if it is. After an errored trial (a reset connection, say) the broker's death may not
 * have been noticed yet on a busy machine: it is then given a moment, so the error names the broker, not the symptom.
 */
async function brokerFailureAfter(instance: { failure?(): string | undefined }, errored: boolean): Promise<string | undefined> {
  if (!instance.failure) return undefined;
  const until = performance.now() + (errored ? BROKER_EXIT_GRACE_MS : 0);
  for (;;) {
    const failure = instance.failure();
    if (failure || performance.now() >= until) return failure;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The broker's process spec with the pid running now (a fault may have restarted it). */
function currentBroker(instance: TargetInstance): TargetInstance['broker'] {
  const spec = instance.broker;
  const restartable = instance.faults?.broker ?? instance.faults?.backend;
  if (spec?.kind !== 'process-tree' || !restartable || restartable.pid() === spec.pid) return spec;
  return { ...spec, pid: restartable.pid(), label: spec.label.replace(/pid \d+/, `pid ${restartable.pid()}`) };
}

/** The longest the page cache's eviction before a trial may take (it is cut short, and the trial begins, after it). */
const EVICT_TIMEOUT_MS = 30_000;

/** Every target started so far, by name (each stays up until the run ends). */
async function startedTargets(provisioned: Map<string, Promise<ProvisionedTarget>>): Promise<Array<{ name: string; target: ProvisionedTarget }>> {
  return Promise.all([...provisioned].map(async ([name, pending]) => ({ name, target: await pending })));
}

/** The data directories of every target started so far (a broker's, or an embedded engine's), on this machine. */
async function dataPaths(provisioned: Map<string, Promise<ProvisionedTarget>>): Promise<string[]> {
  return (await startedTargets(provisioned)).flatMap(({ target }) => (target.ok && target.instance.storage.kind === 'directories' ? target.instance.storage.paths : []));
}

/** The brokers of the other targets started so far, with a probe of each. */
async function neighboursOf(provisioned: Map<string, Promise<ProvisionedTarget>>, current: string): Promise<Neighbour[]> {
  return (await startedTargets(provisioned)).flatMap(({ name, target }) => {
    if (name === current || !target.ok || target.instance.failure?.()) return [];
    const probe = brokerProbe(currentBroker(target.instance));
    return probe ? [{ target: name, probe }] : [];
  });
}

function markErrored(entry: CaseResult, error: string): void {
  entry.status = 'errored';
  entry.error = error;
}

async function teardown(provisioned: Map<string, Promise<ProvisionedTarget>>, workDir: string | undefined): Promise<void> {
  const targets = await Promise.all(provisioned.values());
  await Promise.allSettled(targets.map((target) => (target.ok ? target.instance.stop() : undefined)));
  if (workDir) await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
}
