/**
 * Config layering: defaults (the schema) < scenario file < environment < flags. Environment variables and flags are
 * turned into `key=value` overrides applied to the YAML document before validation, so every layer is validated
 * the same way and errors name the layer they came from.
 */
import { parse as parseYaml, type Document } from 'yaml';
import type { InputIssue } from '../util/errors.js';
import { SCENARIO_VARIABLES } from './environment.js';

/** An override of one field, with where it came from (for error messages). */
export interface Override {
  /** Path keys into the scenario, e.g. ["workload", "messages"] or ["targets", 0, "settings", "sync"]. */
  path: Array<string | number>;
  value: unknown;
  /** "--set workload.messages=10", "--trials", "MQBENCH_TRIALS". */
  source: string;
  /** The override as written, with its value, for the manifest: "--set workload.messages=10", "--trials 3", "MQBENCH_TRIALS=3". */
  expression?: string;
}

/** Parses "a.b[0].c" into ["a", "b", 0, "c"]; undefined when malformed. */
export function parsePath(text: string): Array<string | number> | undefined {
  const keys: Array<string | number> = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]/g;
  let consumed = '';
  for (const match of text.matchAll(pattern)) {
    if (match[1] !== undefined) keys.push(match[1]);
    else keys.push(Number(match[2]));
    consumed += match[0];
  }
  return keys.length > 0 && consumed.length === text.replaceAll('.', '').length ? keys : undefined;
}

/** Parses `--set key=value` expressions (values are YAML: numbers, booleans, lists and strings as written). */
export function parseSetExpressions(expressions: readonly string[]): { overrides: Override[]; issues: InputIssue[] } {
  const overrides: Override[] = [];
  const issues: InputIssue[] = [];
  for (const expression of expressions) {
    const source = `--set ${expression}`;
    const equals = expression.indexOf('=');
    const path = equals > 0 ? parsePath(expression.slice(0, equals).trim()) : undefined;
    if (!path) {
      issues.push({ source, path: '', message: 'expected key=value, e.g. --set workload.messages=1000' });
      continue;
    }
    try {
      overrides.push({ path, value: parseYaml(expression.slice(equals + 1)), source });
    } catch (error) {
      issues.push({ source, path: expression.slice(0, equals), message: `value is not valid YAML: ${(error as Error).message}` });
    }
  }
  return { overrides, issues };
}

/** Overrides from MQBENCH_* environment variables; a value that is not valid YAML is an issue naming the variable. */
export function environmentOverrides(env: NodeJS.ProcessEnv): { overrides: Override[]; issues: InputIssue[] } {
  const overrides: Override[] = [];
  const issues: InputIssue[] = [];
  for (const { name, field } of SCENARIO_VARIABLES) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    try {
      overrides.push({ path: [field!], value: parseYaml(text), source: name, expression: `${name}=${text}` });
    } catch (error) {
      issues.push({ source: name, path: '', message: `value is not valid YAML: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  return { overrides, issues };
}

/** Applies overrides to the document in order (later ones win). */
export function applyOverrides(document: Document, overrides: readonly Override[]): void {
  for (const override of overrides) document.setIn(override.path, override.value);
}

/** The override that set `path` or one of its parents, if any (the last one wins). */
export function overrideFor(overrides: readonly Override[], path: readonly PropertyKey[]): Override | undefined {
  return [...overrides].reverse().find((override) => override.path.every((key, index) => path[index] === key));
}
