/** Loading a scenario: YAML → layered overrides → schema → targets → matrix, with every error reported at once. */
import { workloadObjects } from '../workloads/params.js';
import { workloadDefinition } from '../workloads/registry.js';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { findTarget, targetDefinitions } from '../targets/registry.js';
import { InputError, type InputIssue } from '../util/errors.js';
import { workloadLabel, type WorkloadParams } from '../workloads/params.js';
import { formatPath, issuesFromZod } from '../util/zod-issues.js';
import { withEndpointVariables } from './environment.js';
import { expandMatrix } from './matrix.js';
import { toData } from '../util/yaml-data.js';
import { applyOverrides, environmentOverrides, overrideFor, parseSetExpressions, type Override } from './overrides.js';
import { z } from 'zod';
import { matrixSchema, providerSchema, scenarioSchema, targetEntrySchema, type ProviderChoice, type ScenarioFile } from './schema.js';

/** Flags and environment that layer over the file. */
export interface LoadOptions {
  /** `--set key=value` expressions. */
  set?: readonly string[];
  /** `--trials N`. */
  trials?: number;
  /** `--provider`. */
  provider?: ProviderChoice;
  /** `--targets a,b`: run only these (targets not in the file are added with default settings). */
  targets?: readonly string[];
  /** Environment to read MQBENCH_* from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** A target as the run will use it. */
export interface ResolvedTarget {
  name: string;
  type: string;
  provider: ProviderChoice;
  settings: unknown;
}

/** One case before trials: a target at one parameter point. */
export interface PlannedCase {
  id: string;
  label: string;
  target: ResolvedTarget;
  params: WorkloadParams;
}

/** A validated scenario ready to run. */
export interface LoadedScenario {
  path: string;
  text: string;
  sha256: string;
  file: ScenarioFile;
  targets: ResolvedTarget[];
  cases: PlannedCase[];
  /** The overrides applied, as written (for the manifest). */
  overrides: string[];
}

/** Reads, layers, validates and expands a scenario file; throws InputError listing every problem. */
export async function loadScenario(path: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([{ source: path, path: '', message: code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? String(error)}` }]);
  }
  return parseScenario(text, path, options);
}

/** Like loadScenario, for text already in memory. */
export function parseScenario(text: string, path: string, options: LoadOptions = {}): LoadedScenario {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new InputError(
      document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { source: path, path: '', line: position.line, column: position.col, message: error.message.split('\n')[0]! };
      }),
    );
  }
  const { overrides, issues } = collectOverrides(options);
  if (issues.length > 0) throw new InputError(issues);
  if (document.contents === null) throw new InputError([{ source: path, path: '', message: 'the file is empty' }]);
  applyOverrides(document, overrides);

  const locate = locator(document, lineCounter, path, overrides);
  const raw = toData(document, path) as Record<string, unknown>;
  // Every stage is checked even when an earlier one failed, so that all problems are reported at once.
  const problems: InputIssue[] = [];
  const parsed = scenarioSchema.safeParse(raw);
  const schemaIssues = parsed.success ? [] : issuesFromZod(parsed.error, path);
  problems.push(...schemaIssues.map((issue) => locate(issue.pathKeys, issue.message)));
  const reported = new Set(problems.map((issue) => issue.path));
  const report = (keys: PropertyKey[], message: string) => {
    const issue = locate(keys, message);
    if (!reported.has(issue.path)) problems.push(issue);
    reported.add(issue.path);
  };
  const targetList = z.array(targetEntrySchema).safeParse(raw.targets);
  const provider = providerSchema.safeParse(raw.provider ?? 'auto');
  const env = options.env ?? process.env;
  const fromEnvironment: string[] = [];
  const resolveSettings = (type: string, targetProvider: ProviderChoice, settings: Record<string, unknown>) => {
    // Endpoint variables fill in an external target's endpoint where the scenario leaves it unset.
    if (targetProvider !== 'external') return settings;
    const filled = withEndpointVariables(type, settings, env);
    for (const expression of filled.applied) if (!fromEnvironment.includes(expression)) fromEnvironment.push(expression);
    return filled.settings;
  };
  const targets = targetList.success
    ? resolveTargets(targetList.data, provider.success ? provider.data : 'auto', options.targets, report, resolveSettings)
    : [];
  const matrix = matrixSchema.optional().safeParse(raw.matrix);
  const workload = raw.workload && typeof raw.workload === 'object' ? (raw.workload as Record<string, unknown>) : {};
  const { points, issues: matrixIssues } = expandMatrix(workload, matrix.success ? matrix.data : undefined);
  for (const issue of matrixIssues) report(issue.pathKeys, issue.message);
  const workloadType = points[0]?.params.type;
  const loadClients = Math.max(0, ...points.map((point) => workloadDefinition(point.params)?.loadClients?.(point.params as never) ?? 0));
  const workers = Array.isArray(raw.workers) && raw.workers.length > 0;
  targets.forEach((target) => {
    const definition = findTarget(target.type);
    const allowed = definition?.workloads;
    if (workloadType && allowed && !allowed.includes(workloadType)) report(['workload', 'type'], `target ${target.name} (${target.type}) runs only the ${allowed.join(', ')} workload`);
    if (loadClients > 1 && definition && !definition.multiProcessClients) {
      report(['workload', 'clients'], `${loadClients} clients (load-client processes) need a broker that several processes write to (kafka, nats, pulsar): ${target.name} (${target.type}) runs its engine inside the trial's process`);
    }
    if (workers && loadClients <= 1 && definition && !definition.multiProcessClients) {
      report(['workers'], `remote workers need a broker they can reach (kafka, nats, pulsar): ${target.name} (${target.type}) runs its engine inside the trial's process`);
    }
  });
  if (workers && workloadType && loadClients === 0) {
    report(['workers'], `the ${workloadType} workload runs no load clients: workers run the producers of the stream and pubsub workloads (workload.clients)`);
  }
  if (parsed.success && parsed.data.reference && targetList.success) {
    const names = targetList.data.map((entry) => (typeof entry === 'string' ? entry : entry.name));
    const shape = workloadObjects.find((option) => option.shape.type.value === workloadType)?.shape ?? {};
    parsed.data.reference.figures.forEach((figure, index) => {
      if (!names.includes(figure.target)) report(['reference', 'figures', index, 'target'], `"${figure.target}" is not a target of this scenario (${names.join(', ')})`);
      for (const key of Object.keys(figure)) {
        if (key !== 'target' && key !== 'value' && workloadType && !(key in shape)) report(['reference', 'figures', index, key], `not a parameter of the ${workloadType} workload`);
      }
    });
  }
  if (problems.length > 0 || !parsed.success) throw new InputError(problems);
  const file = parsed.data;

  // Points that differ only in fields the label leaves out (a timeout, say) are told apart by their place in the list.
  const labels = points.map((point) => workloadLabel(point.params));
  const cases = points.flatMap((point, index) =>
    targets.map((target) => {
      const label = labels.indexOf(labels[index]!) === labels.lastIndexOf(labels[index]!) ? labels[index]! : `${labels[index]!} (point ${index + 1})`;
      const slug = label.replaceAll('/s', '-per-s').replace(/[^\w.×-]+/g, '-');
      return { id: `${target.name}/${point.params.type}/${slug}`, label, target, params: point.params };
    }),
  );
  return {
    path,
    text,
    sha256: createHash('sha256').update(text).digest('hex'),
    file,
    targets,
    cases,
    overrides: [
      ...overrides.map((override) => override.expression ?? override.source),
      ...fromEnvironment,
      ...(options.targets?.length ? [`--targets ${options.targets.join(',')}`] : []),
    ],
  };
}

function collectOverrides(options: LoadOptions): { overrides: Override[]; issues: InputIssue[] } {
  const fromSet = parseSetExpressions(options.set ?? []);
  const fromEnvironment = environmentOverrides(options.env ?? process.env);
  const overrides = [...fromEnvironment.overrides, ...fromSet.overrides];
  if (options.trials !== undefined) overrides.push({ path: ['trials'], value: options.trials, source: '--trials', expression: `--trials ${options.trials}` });
  if (options.provider !== undefined) overrides.push({ path: ['provider'], value: options.provider, source: '--provider', expression: `--provider ${options.provider}` });
  return { overrides, issues: [...fromEnvironment.issues, ...fromSet.issues] };
}

/** Maps a path in the scenario to an issue with file, line and column (or the override that set it). */
function locator(document: Document, lineCounter: LineCounter, path: string, overrides: readonly Override[]) {
  return (keys: readonly PropertyKey[], message: string): InputIssue => {
    const override = overrideFor(overrides, keys);
    if (override) return { source: override.source, path: formatPath(keys), message };
    // A problem of a command-line flag (e.g. --targets) is the flag's, not the file's.
    if (typeof keys[0] === 'string' && keys[0].startsWith('--')) return { source: keys[0], path: '', message };
    for (let depth = keys.length; depth >= 0; depth--) {
      const node = document.getIn(keys.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) {
        const position = lineCounter.linePos(node.range[0]);
        return { source: path, path: formatPath(keys), line: position.line, column: position.col, message };
      }
    }
    return { source: path, path: formatPath(keys), message };
  };
}

/** A target's settings with what the environment fills in, for its type and provider. */
type SettingsResolver = (type: string, provider: ProviderChoice, settings: Record<string, unknown>) => Record<string, unknown>;

function resolveTargets(
  entries: ReadonlyArray<z.output<typeof targetEntrySchema>>,
  scenarioProvider: ProviderChoice,
  selected: readonly string[] | undefined,
  problem: (keys: PropertyKey[], message: string) => void,
  resolveSettings: SettingsResolver,
): ResolvedTarget[] {
  const known = targetDefinitions().map((definition) => definition.type).join(', ');
  const resolved: ResolvedTarget[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const spec = typeof entry === 'string' ? { name: entry, type: entry, settings: {} } : { ...entry, type: entry.type ?? entry.name };
    const at = typeof entry === 'string' ? ['targets', index] : ['targets', index, entry.type ? 'type' : 'name'];
    if (seen.has(spec.name)) problem(['targets', index], `target name "${spec.name}" is used twice`);
    seen.add(spec.name);
    const target = resolveOne(spec, scenarioProvider, at, ['targets', index, 'settings'], known, problem, resolveSettings);
    if (target) resolved.push(target);
  });
  if (!selected || selected.length === 0) return resolved;
  const repeated = selected.filter((name, index) => selected.indexOf(name) !== index);
  if (repeated.length > 0) {
    problem(['--targets'], `${[...new Set(repeated)].map((name) => `"${name}"`).join(', ')} is named more than once; name each target once`);
    return [];
  }
  return selected.flatMap((name) => {
    const fromFile = resolved.find((target) => target.name === name);
    if (fromFile) return [fromFile];
    if (!findTarget(name)) {
      problem(['--targets'], `"${name}" is neither a target of this scenario (${[...seen].join(', ')}) nor a target type (${known})`);
      return [];
    }
    const added = resolveOne({ name, type: name, settings: {} }, scenarioProvider, ['--targets'], ['--targets'], known, problem, resolveSettings);
    return added ? [added] : [];
  });
}

function resolveOne(
  spec: { name: string; type: string; provider?: ProviderChoice; settings: Record<string, unknown> },
  scenarioProvider: ProviderChoice,
  typePath: PropertyKey[],
  settingsPath: PropertyKey[],
  known: string,
  problem: (keys: PropertyKey[], message: string) => void,
  resolveSettings: SettingsResolver,
): ResolvedTarget | undefined {
  const definition = findTarget(spec.type);
  if (!definition) {
    problem(typePath, `unknown target type "${spec.type}"; known types: ${known}`);
    return undefined;
  }
  const provider = spec.provider ?? scenarioProvider;
  const settings = definition.settingsSchema.safeParse(resolveSettings(spec.type, provider, spec.settings));
  if (!settings.success) {
    for (const issue of issuesFromZod(settings.error, '')) problem([...settingsPath, ...issue.pathKeys], issue.message);
    return undefined;
  }
  return { name: spec.name, type: spec.type, provider, settings: settings.data };
}
