/**
 * The one table of environment variables mqbench reads: the scenario's own layer (trials, provider, seed), each target
 * type's endpoints, credentials and install locations (TargetDefinition.environment), and the process's switches.
 * Endpoints are applied here, to the settings of external targets; the manifest records what was set (secrets by name
 * only), and `reproduce` sets the same again.
 */
import { targetDefinitions } from '../targets/registry.js';
import type { TargetVariable } from '../targets/target.js';
import { redactSecrets } from '../util/redact.js';

/** One variable of the table. */
export interface EnvironmentVariable {
  name: string;
  /** scenario: overrides a scenario field; setting/secret/install: a target type's; process: a switch of the process. */
  kind: 'scenario' | 'process' | TargetVariable['kind'];
  /** The scenario field (scenario) or target setting (setting) it sets. */
  field?: string;
  /** The target type that reads it. */
  target?: string;
  description: string;
}

/** Variables that override a field of the scenario (between the file and the flags). */
export const SCENARIO_VARIABLES: readonly EnvironmentVariable[] = [
  { name: 'MQBENCH_TRIALS', kind: 'scenario', field: 'trials', description: 'trials per case' },
  { name: 'MQBENCH_PROVIDER', kind: 'scenario', field: 'provider', description: 'auto, docker, local or external' },
  { name: 'MQBENCH_SEED', kind: 'scenario', field: 'seed', description: 'the seed of payloads and generated data' },
];

const PROCESS_VARIABLES: readonly EnvironmentVariable[] = [
  { name: 'MQBENCH_CACHE', kind: 'process', description: 'where brokers and tools are installed (default ~/.cache/mqbench)' },
  { name: 'MQBENCH_PLUGINS', kind: 'process', description: 'modules to import before a command runs, comma-separated (docs/plugins.md)' },
  { name: 'MQBENCH_DEBUG', kind: 'process', description: 'print the stack trace of a runtime error' },
  { name: 'MQBENCH_WORKER_PROF', kind: 'process', description: 'write a V8 CPU profile of every trial worker and load client into this directory' },
  { name: 'MQBENCH_WORKER_TOKEN', kind: 'process', description: "the shared secret of `mqbench worker` and the coordinator that uses it (never written into results)" },
  { name: 'MQBENCH_WORKER_TOKEN_FILE', kind: 'process', description: 'a file holding that secret (instead of MQBENCH_WORKER_TOKEN)' },
  { name: 'MQBENCH_CLOCK_SKEW_MS', kind: 'process', description: "shift this process's clock by this many ms (tests of the clock-offset correction)" },
  { name: 'MQBENCH_ALLOCATOR', kind: 'process', description: "memory allocator of mqbench's trial and load-client processes: auto (jemalloc where installed), jemalloc or system (as --allocator)" },
  { name: 'MQBENCH_INHERITED_LD_PRELOAD', kind: 'process', description: 'set by mqbench in its own processes: the LD_PRELOAD they give their children back (not for users)' },
  { name: 'MQBENCH_M2_REPOSITORY', kind: 'process', description: "the Maven repository pulsar-perf's extra jars are taken from (default ~/.m2/repository)" },
];

/** Every variable mqbench reads, the target types' included. */
export function environmentTable(): EnvironmentVariable[] {
  const fromTargets = targetDefinitions().flatMap((definition) =>
    (definition.environment ?? []).map((variable) => ({ name: variable.name, kind: variable.kind, field: variable.setting, target: definition.type, description: variable.description })),
  );
  return [...SCENARIO_VARIABLES, ...fromTargets, ...PROCESS_VARIABLES];
}

/**
 * The settings of an external target with the endpoint variables of its type filled in where the scenario left them
 * unset, and the variables used, as `NAME=value` (credentials in a URL masked) for the manifest.
 */
export function withEndpointVariables(type: string, settings: Record<string, unknown>, env: NodeJS.ProcessEnv): { settings: Record<string, unknown>; applied: string[] } {
  const definition = targetDefinitions().find((entry) => entry.type === type);
  let result = settings;
  const applied: string[] = [];
  for (const variable of definition?.environment ?? []) {
    const value = env[variable.name];
    if (variable.kind !== 'setting' || !variable.setting || value === undefined || value === '') continue;
    const path = variable.setting.split('.');
    if (valueAt(result, path) !== undefined) continue;
    result = withValueAt(result, path, value);
    applied.push(`${variable.name}=${redactSecrets(value)}`);
  }
  return { settings: result, applied };
}

/** What the manifest records of the environment: every variable of the table that is set, secrets by name only. */
export function recordedEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const recorded: Record<string, string> = {};
  for (const variable of environmentTable()) {
    const value = env[variable.name];
    if (value === undefined || value === '') continue;
    recorded[variable.name] = variable.kind === 'secret' ? '(set; not recorded)' : redactSecrets(value);
  }
  return recorded;
}

function valueAt(object: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = object;
  for (const key of path) current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

function withValueAt(object: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [key, ...rest] = path;
  const inner = object[key!];
  return { ...object, [key!]: rest.length === 0 ? value : withValueAt(inner && typeof inner === 'object' ? (inner as Record<string, unknown>) : {}, rest, value) };
}
