/**
 * Gate rules files. A map of metric selectors to rules, validated like scenario files (every error at once, with
 * file, line and path):
 *
 *   defaults: { alpha: 0.05, minTrials: 3 }
 *   e2eLatencyMs{target:kafka}: ["p99 < 50", "p99 regress < 10% (alpha 0.01, minTrials 5)"]
 *   throughput: ["messagesPerSec regress < 5%"]
 *   delivery: ["lost == 0", "corrupt == 0"]
 *
 * Absolute rules compare the candidate's value; relative rules fail only when the change is statistically
 * significant (Mann-Whitney, `alpha`) and larger than the threshold in the metric's worse direction.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { METRICS, type MetricDefinition } from '../results/metrics.js';
import { toData } from '../util/yaml-data.js';
import { InputError, type InputIssue } from '../util/errors.js';
import { parseSize } from '../util/units.js';
import { workloadTypes } from '../workloads/registry.js';

/** Comparison operators of absolute rules. */
export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** Which cases a rule applies to. */
export interface Selector {
  text: string;
  group: string;
  target?: string;
  workload?: string;
}

/** One parsed rule. */
export type Rule =
  | { kind: 'absolute'; text: string; selector: Selector; metricKey: string; metric?: MetricDefinition; operator: Operator; threshold: number }
  | { kind: 'relative'; text: string; selector: Selector; metricKey: string; metric: MetricDefinition; thresholdPct: number; alpha: number; minTrials: number };

/** A parsed rules file. */
export interface GateRules {
  source: string;
  rules: Rule[];
}

const DELIVERY_FIELDS = ['published', 'acknowledged', 'delivered', 'lost', 'duplicated', 'outOfOrder', 'corrupt'];
const SELECTOR = /^([A-Za-z][A-Za-z0-9]*)(?:\{([^}]*)\})?$/;
/** A plain decimal number: 12, 0.5, .5 (never "1.2.3", which Number() reads as NaN). */
const DECIMAL = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;
const ABSOLUTE = new RegExp(String.raw`^([A-Za-z0-9]+)\s*(<=|>=|==|!=|<|>)\s*(-?${DECIMAL}\s*[A-Za-z]*)$`);
const RELATIVE = new RegExp(String.raw`^([A-Za-z0-9]+)\s+regress\s*<\s*(${DECIMAL})\s*%\s*(?:\((.*)\))?$`);
/** Anything that looks like a relative rule, to say what is wrong with one RELATIVE refuses. */
const RELATIVE_LIKE = /^[A-Za-z0-9]+\s+regress\b/;

/** Metric groups a selector may name: the catalogue's key prefixes, and delivery. */
export function metricGroups(): string[] {
  return [...new Set(METRICS.map((metric) => metric.key.split('.')[0]!)), 'delivery'];
}

/** Reads and validates a rules file; throws InputError listing every problem. */
export async function loadGateRules(path: string): Promise<GateRules> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError([{ source: path, path: '', message: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error) }]);
  }
  return parseGateRules(text, path);
}

/** Parses rules text; throws InputError listing every problem. */
export function parseGateRules(text: string, source: string): GateRules {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const issues: InputIssue[] = [];
  const at = (keys: Array<string | number>, message: string) => {
    const node = document.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    const position = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
    issues.push({ source, path: keys.join('.').replace(/\.(\d+)/g, '[$1]'), line: position?.line, column: position?.col, message });
  };
  for (const error of document.errors) {
    const position = lineCounter.linePos(error.pos[0]);
    issues.push({ source, path: '', line: position.line, column: position.col, message: error.message.split('\n')[0]! });
  }
  if (issues.length > 0) throw new InputError(issues);
  const data = toData(document, source);
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new InputError([{ source, path: '', message: 'expected a map of metric selectors to lists of rules' }]);

  const defaults = { alpha: 0.05, minTrials: 3 };
  const entries = Object.entries(data as Record<string, unknown>);
  const rawDefaults = (data as Record<string, unknown>).defaults;
  if (rawDefaults !== undefined && (rawDefaults === null || typeof rawDefaults !== 'object' || Array.isArray(rawDefaults))) {
    at(['defaults'], 'must be a map, e.g. { alpha: 0.05, minTrials: 3 }');
  } else if (rawDefaults !== undefined) {
    const { alpha, minTrials, ...rest } = (rawDefaults ?? {}) as Record<string, unknown>;
    if (alpha !== undefined && !(typeof alpha === 'number' && alpha > 0 && alpha < 1)) at(['defaults', 'alpha'], 'must be a number between 0 and 1');
    else if (typeof alpha === 'number') defaults.alpha = alpha;
    if (minTrials !== undefined && !(Number.isInteger(minTrials) && (minTrials as number) >= 1)) at(['defaults', 'minTrials'], 'must be a whole number ≥ 1');
    else if (typeof minTrials === 'number') defaults.minTrials = minTrials;
    for (const key of Object.keys(rest)) at(['defaults', key], 'unknown field (alpha, minTrials)');
  }

  const rules: Rule[] = [];
  for (const [selectorText, list] of entries) {
    if (selectorText === 'defaults') continue;
    const selector = parseSelector(selectorText, (message) => at([selectorText], message));
    if (!Array.isArray(list) || list.length === 0 || list.some((rule) => typeof rule !== 'string')) {
      at([selectorText], 'expected a list of rules, e.g. ["p99 < 50", "p99 regress < 10%"]');
      continue;
    }
    list.forEach((ruleText: string, index) => {
      if (!selector) return;
      const rule = parseRule(ruleText.trim(), selector, defaults, (message) => at([selectorText, index], message));
      if (rule) rules.push(rule);
    });
  }
  if (issues.length > 0) throw new InputError(issues);
  return { source, rules };
}

function parseSelector(text: string, problem: (message: string) => void): Selector | undefined {
  const match = SELECTOR.exec(text.trim());
  if (!match) {
    problem(`"${text}" is not a selector; use a metric group, optionally with {target:name, workload:type}`);
    return undefined;
  }
  const group = match[1]!;
  if (!metricGroups().includes(group)) {
    problem(`unknown metric group "${group}"; known: ${metricGroups().join(', ')}`);
    return undefined;
  }
  const selector: Selector = { text, group };
  for (const part of (match[2] ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const [key, value] = part.split(':').map((item) => item.trim());
    if (key === 'workload' && value && !workloadTypes.includes(value as never)) problem(`unknown workload "${value}"; known: ${workloadTypes.join(', ')}`);
    else if ((key === 'target' || key === 'workload') && value && part.split(':').length === 2) selector[key] = value;
    else problem(`unknown selector field "${part}"; use target:<name> or workload:<type>`);
  }
  return selector;
}

function parseRule(text: string, selector: Selector, defaults: { alpha: number; minTrials: number }, problem: (message: string) => void): Rule | undefined {
  const relative = RELATIVE.exec(text);
  if (relative) {
    const metricKey = keyOf(selector.group, relative[1]!);
    const metric = METRICS.find((candidate) => candidate.key === metricKey);
    if (!metric) {
      problem(`"${metricKey}" is not a metric a relative rule can compare; known: ${METRICS.map((candidate) => candidate.key).join(', ')}`);
      return undefined;
    }
    const options = { ...defaults };
    for (const part of relative[3] === undefined ? [] : relative[3].split(',').map((item) => item.trim())) {
      const words = part.split(/\s+/);
      const [name, value] = words;
      const number = words.length === 2 && value !== '' ? Number(value) : Number.NaN;
      if (name === 'alpha' && number > 0 && number < 1) options.alpha = number;
      else if (name === 'minTrials' && Number.isInteger(number) && number >= 1) options.minTrials = number;
      else problem(`"${part}" is not an option; use "(alpha <0..1>, minTrials <n ≥ 1>)", comma-separated`);
    }
    const thresholdPct = Number(relative[2]);
    if (!Number.isFinite(thresholdPct)) {
      problem(`"${relative[2]}" is not a percentage`);
      return undefined;
    }
    return { kind: 'relative', text, selector, metricKey, metric, thresholdPct, ...options };
  }
  if (RELATIVE_LIKE.test(text)) {
    problem(`"${text}" is not a relative rule; use "<field> regress < N% (alpha A, minTrials M)" with N a plain number, e.g. "p99 regress < 10%"`);
    return undefined;
  }
  const absolute = ABSOLUTE.exec(text);
  if (!absolute) {
    problem(`"${text}" is not a rule; use "<field> <op> <number>" (op: < <= > >= == !=) or "<field> regress < N% (alpha A, minTrials M)"`);
    return undefined;
  }
  const metricKey = keyOf(selector.group, absolute[1]!);
  const metric = METRICS.find((candidate) => candidate.key === metricKey);
  const isDelivery = selector.group === 'delivery' && DELIVERY_FIELDS.includes(absolute[1]!);
  if (!metric && !isDelivery) {
    problem(`unknown metric "${metricKey}"`);
    return undefined;
  }
  let threshold: number;
  try {
    threshold = metric?.unit === 'bytes' ? parseSize(absolute[3]!.replace(/\s+/g, '')) : Number(absolute[3]);
    if (!Number.isFinite(threshold)) throw new Error(`"${absolute[3]}" is not a number`);
  } catch (error) {
    problem((error as Error).message);
    return undefined;
  }
  return { kind: 'absolute', text, selector, metricKey, metric, operator: absolute[2] as Operator, threshold };
}

/**
 * Throws InputError when a rule's selector names a target that none of `results` has: a misspelt target would
 * otherwise make its rules "inconclusive" and let a regression pass.
 */
export function checkSelectorTargets(rules: GateRules, results: ReadonlyArray<{ cases: ReadonlyArray<{ target: string }> }>): void {
  const known = new Set(results.flatMap((result) => result.cases.map((entry) => entry.target)));
  const issues = [...new Set(rules.rules.map((rule) => rule.selector))]
    .filter((selector) => selector.target !== undefined && !known.has(selector.target))
    .map((selector): InputIssue => ({ source: rules.source, path: selector.text, message: `target "${selector.target}" is in none of the results compared (targets: ${[...known].sort().join(', ') || 'none'})` }));
  if (issues.length > 0) throw new InputError([...new Map(issues.map((issue) => [issue.path, issue])).values()]);
}

function keyOf(group: string, field: string): string {
  return field === 'value' ? group : `${group}.${field}`;
}
