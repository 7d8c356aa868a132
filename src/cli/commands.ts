/** The library functions behind each CLI command; main.ts only parses arguments and maps errors to exit codes. */
import { allocatorInForce, applyAllocatorChoice, describeAllocator, type AllocatorChoice } from '../util/allocator.js';
import { writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import { checkSelectorTargets, loadGateRules } from '../gate/rules.js';
import { readResultFile } from '../results/io.js';
import type { ResultFile } from '../results/result-file.js';
import { renderHtmlReport } from '../report/html.js';
import { alignTable, renderSummaryTable } from '../report/table.js';
import { killAllChildren } from '../util/child-processes.js';
import { claimRunDirectory } from '../run/run-directory.js';
import { runScenario } from '../run/runner.js';
import { LocalWorker } from '../run/worker.js';
import { loadScenario, type LoadedScenario, type LoadOptions } from '../scenario/load.js';
import { workloadDefinition, type WorkloadParams } from '../workloads/registry.js';
import { scenarioJsonSchema } from '../scenario/schema.js';
import { dockerEngine } from '../provision/docker-engine.js';
import { redactSecrets } from '../util/redact.js';
import { environmentTable, SCENARIO_VARIABLES, withEndpointVariables } from '../scenario/environment.js';
import { targetDefinitions } from '../targets/registry.js';
import { ExitCode, InputError } from '../util/errors.js';
import { progressReporter } from './progress.js';

/** Options of `mqbench run`. */
export interface RunCommandOptions extends LoadOptions {
  out?: string;
  keepData?: boolean;
  progress?: boolean;
  /** Run trials inside the mqbench process instead of one process per trial (for debugging and profiling). */
  inProcess?: boolean;
  /** The memory allocator of the trial and load-client processes (default: auto, or MQBENCH_ALLOCATOR). */
  allocator?: AllocatorChoice;
}

/** `mqbench run`: runs a scenario, writes result.json and report.html, prints the summary table; returns the exit code. */
export async function runCommand(scenarioPath: string, options: RunCommandOptions): Promise<number> {
  const loaded = await loadScenario(scenarioPath, options);
  refuseWhatThisMachineCannotRun(loaded);
  const allocator = applyAllocatorChoice(options.allocator);
  const runDirectory = await claimRunDirectory(options.out ?? join('reports', `${loaded.file.name}-${utcStamp(new Date())}`), {
    unique: options.out === undefined,
    flag: options.out === undefined ? 'the default output directory' : '--out',
  });
  const outDir = runDirectory.path;
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts > 1) {
      process.stderr.write(`\n${signal} again: stopping now without writing results\n`);
      killAllChildren();
      process.exit(ExitCode.interrupted);
    }
    process.stderr.write(`\n${signal}: stopping; writing what was measured so far (press Ctrl-C again to force)\n`);
    controller.abort(signal);
  };
  // A crash inside the harness (an exception nothing caught) stops the run the same way: what was measured is written.
  let crash: Error | undefined;
  const onCrash = (error: unknown) => {
    // The first crash stops the run; a later one (e.g. stderr itself failing) must not start a loop of reports.
    if (crash) return;
    crash = error instanceof Error ? error : new Error(String(error));
    process.stderr.write(`\nmqbench: internal error: ${crash.message}; stopping and writing what was measured\n`);
    controller.abort(`crash: ${crash.message}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const progress = options.progress === false ? { listener: () => undefined, stop: () => undefined } : progressReporter();
  let result: ResultFile;
  try {
    result = await runScenario(loaded, {
      outDir,
      command: reproduceCommand(scenarioPath, options),
      signal: controller.signal,
      onEvent: progress.listener,
      keepData: options.keepData,
      allocator: options.inProcess ? `trials in the mqbench process (--in-process), with ${allocatorInForce() === 'jemalloc' ? 'jemalloc' : "the system's malloc"}` : describeAllocator(allocator),
      ...(options.inProcess ? { worker: new LocalWorker() } : {}),
    });
  } finally {
    await runDirectory.release();
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  process.stdout.write(`${renderSummaryTable(result)}\n\nstatus: ${result.status}${result.reason ? ` (${result.reason})` : ''}\n`);
  const shown = displayPath(outDir);
  process.stdout.write(`result: ${join(shown, 'result.json')}\nreport: ${join(shown, 'report.html')}\n`);
  if (crash) return ExitCode.failure;
  if (controller.signal.aborted) return ExitCode.interrupted;
  return result.status === 'passed' ? ExitCode.ok : ExitCode.failure;
}

/** `path` relative to the working directory when it lies inside it, else as it is. */
function displayPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/** `mqbench report`: renders one HTML report from result files (two: with their comparison and, given rules, gate). */
export async function reportCommand(files: string[], output: string | undefined, gates?: string): Promise<number> {
  const results = [];
  for (const file of files) results.push(await readResultFile(file));
  if (gates && results.length !== 2) throw new InputError([{ source: '--gates', path: '', message: 'gates apply to a comparison: give exactly two result files (baseline, candidate)' }]);
  const rules = gates ? await loadGateRules(gates) : undefined;
  if (rules) checkSelectorTargets(rules, results);
  const target = output ?? (files.length === 1 ? join(files[0]!, '..', 'report.html') : 'report.html');
  await writeFile(target, renderHtmlReport(results, rules));
  process.stdout.write(`report: ${target}\n`);
  return ExitCode.ok;
}

/** `mqbench validate`: loads a scenario and prints its plan. */
export async function validateCommand(scenarioPath: string, options: LoadOptions): Promise<number> {
  const loaded = await loadScenario(scenarioPath, options);
  const { file } = loaded;
  const lines = [
    `${scenarioPath}: valid`,
    `scenario ${file.name}: ${loaded.cases.length} case(s) × ${file.trials} trial(s), workload ${loaded.cases[0]?.params.type}, seed ${file.seed}`,
    `targets: ${loaded.targets.map((target) => `${target.name} (${target.type}, provider ${target.provider})`).join(', ')}`,
    ...loaded.cases.map((planned) => `  ${planned.id}`),
    ...workloadPlans(loaded),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

/** What each point's workload says about its needs (the vector workload's estimates), one line per parameter point. */
function workloadPlans(loaded: LoadedScenario): string[] {
  const points = new Map<string, WorkloadParams>();
  for (const planned of loaded.cases) points.set(planned.label, planned.params);
  return [...points].flatMap(([label, params]) => {
    const plan = workloadDefinition(params)?.plan?.(params as never);
    if (!plan) return [];
    return [...plan.notes.map((note) => `estimate for ${label}: ${note}`), ...(plan.refusal ? [`  this machine cannot run it: ${plan.refusal.reason}`] : [])];
  });
}

/** Throws InputError when a case needs more than this machine has (e.g. a 100M-vector run on a small machine). */
function refuseWhatThisMachineCannotRun(loaded: LoadedScenario): void {
  const issues = loaded.cases.flatMap((planned) => {
    const why = workloadDefinition(planned.params)?.plan?.(planned.params as never).refusal;
    return why ? [{ source: loaded.path, path: `workload.${why.field}`, message: `${planned.label}: this machine cannot run it: ${why.reason}` }] : [];
  });
  if (issues.length > 0) throw new InputError([...new Map(issues.map((issue) => [issue.message, issue])).values()]);
}

/** `mqbench schema`: prints (or writes) the JSON Schema of scenario files. */
export async function schemaCommand(output: string | undefined): Promise<number> {
  const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
  if (output) await writeFile(output, text);
  else process.stdout.write(text);
  return ExitCode.ok;
}

/** `mqbench targets`: every target and whether each provider can run it here, with the fix when not. */
export async function targetsCommand(): Promise<number> {
  const docker = await dockerEngine();
  const rows = [['target', 'provider', 'available', 'detail']];
  for (const definition of targetDefinitions()) {
    // What a scenario would get with no settings of its own: the defaults, and the endpoint variables that are set.
    const settings = definition.settingsSchema.safeParse(withEndpointVariables(definition.type, {}, process.env).settings);
    for (const entry of await definition.availability(settings.success ? settings.data : undefined)) {
      rows.push([definition.type, entry.provider, entry.available ? 'yes' : 'no', `${entry.detail}${entry.fix ? ` — fix: ${entry.fix}` : ''}`]);
    }
  }
  process.stdout.write(`${alignTable(rows, 4)}\n\ndocker: ${docker.detail}\n`);
  return ExitCode.ok;
}

/** `mqbench install [targets...]`: installs what the local provider needs (default: every installable target). */
export async function installCommand(names: string[]): Promise<number> {
  const installable = targetDefinitions().filter((definition) => definition.installer);
  const unknown = names.filter((name) => !installable.some((definition) => definition.type === name));
  if (unknown.length > 0) {
    throw new InputError([
      { source: 'mqbench install', path: unknown.join(', '), message: `not installable; installable targets: ${installable.map((definition) => definition.type).join(', ')}` },
    ]);
  }
  const chosen = names.length === 0 ? installable : installable.filter((definition) => names.includes(definition.type));
  let failed = 0;
  for (const definition of chosen) {
    try {
      await definition.installer!.install((line) => process.stdout.write(`${line}\n`));
    } catch (error) {
      failed += 1;
      process.stderr.write(`mqbench: installing ${definition.installer!.component} failed: ${(error as Error).message}\n`);
    }
  }
  return failed === 0 ? ExitCode.ok : ExitCode.failure;
}

/** A compact UTC timestamp for directory names, e.g. 20261121T101502Z. */
export function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The command line that reruns a scenario with the same layers (flags; environment made explicit). */
export function reproduceCommand(scenarioPath: string, options: RunCommandOptions): string {
  const quote = (text: string) => (/^[\w./:=,@+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);
  const parts = ['npx', 'mqbench', 'run', relative(process.cwd(), scenarioPath) || basename(scenarioPath)];
  if (options.targets?.length) parts.push('--targets', options.targets.join(','));
  if (options.provider) parts.push('--provider', options.provider);
  if (options.trials !== undefined) parts.push('--trials', String(options.trials));
  const env = options.env ?? process.env;
  const allocator = options.allocator ?? env.MQBENCH_ALLOCATOR;
  if (allocator) parts.push('--allocator', allocator);
  for (const { name, field } of SCENARIO_VARIABLES) if (env[name]) parts.push('--set', `${field}=${env[name]}`);
  for (const expression of options.set ?? []) parts.push('--set', expression);
  // External endpoints, as variables before the command (credentials in a URL masked).
  const endpoints = environmentTable().filter((variable) => variable.kind === 'setting' && env[variable.name]).map((variable) => `${variable.name}=${redactSecrets(env[variable.name]!)}`);
  return [...endpoints, ...parts].map(quote).join(' ');
}
