/**
 * mqbench's public API, for programs and plugins: load and run scenarios, read and render results, add target types.
 * The package ships its TypeScript sources, run through tsx (a dependency): `node --import tsx program.ts`, or a
 * plugin the CLI loads (MQBENCH_PLUGINS), which shares the CLI's modules.
 */
export { runScenario, type RunOptions } from './run/runner.js';
export type { RunEvent, RunListener } from './run/events.js';
export { loadScenario, type LoadedScenario, type LoadOptions } from './scenario/load.js';
export { readResultFile } from './results/io.js';
export { renderHtmlReport } from './report/html.js';
export { findTarget, registerTarget, targetDefinitions } from './targets/registry.js';
export type { Availability, ConnectContext, ProviderKind, ProvisionContext, TargetDefinition, TargetInstance } from './targets/target.js';
export type { ConsumerOptions, DriverDescription, LogConsumer, LogDriver, LogProducer, TargetConnection } from './targets/driver.js';
export { isVectorStore, type VectorBackend, type VectorStore } from './targets/vector-store.js';
export type { Workload, WorkloadContext } from './workloads/workload.js';
export type { CaseResult, Manifest, ResultFile } from './results/result-file.js';
export type { TrialRecord } from './results/trial.js';
export type { CaseSummary } from './results/summary.js';
export { ExitCode, InputError } from './util/errors.js';
