/** Matrix expansion: the cross product of axes, plus included points, minus excluded ones; each point validated. */
import type { z } from 'zod';
import { workloadObjects, workloadParamsSchema, type WorkloadParams } from '../workloads/params.js';
import { issuesFromZod } from '../util/zod-issues.js';
import type { matrixSchema } from './schema.js';

type Matrix = z.output<typeof matrixSchema>;

/** One expanded point: the workload parameters, and where each matrix value came from (for error messages). */
export interface MatrixPoint {
  params: WorkloadParams;
  /** Matrix values of this point as written, e.g. { payloadBytes: "5MiB", messages: 100 }. */
  values: Record<string, unknown>;
}

/** A problem in one point, at a path inside the scenario. */
export interface MatrixIssue {
  pathKeys: PropertyKey[];
  message: string;
}

interface RawPoint {
  values: Record<string, unknown>;
  origins: Record<string, PropertyKey[]>;
}

/**
 * The most points a matrix may expand to. Every point is at least one trial per target, of seconds at least: ten
 * thousand points are days of measuring, and more is a mistake in the file (e.g. an axis of generated values).
 */
export const MAX_MATRIX_POINTS = 10_000;

/** How many points `matrix` expands to before exclusions (the cross product of the axes, plus included points). */
export function matrixSize(matrix: Matrix): number {
  const axes = Object.values(matrix.axes);
  return (axes.length > 0 ? axes.reduce((product, values) => product * values.length, 1) : 0) + matrix.include.length;
}

/** Expands `matrix` over the raw `workload` section; every problem of every point is returned, each once. */
export function expandMatrix(workload: Record<string, unknown>, matrix: Matrix | undefined): { points: MatrixPoint[]; issues: MatrixIssue[] } {
  const size = matrix ? matrixSize(matrix) : 1;
  if (size > MAX_MATRIX_POINTS) {
    return { points: [], issues: [{ pathKeys: ['matrix'], message: `expands to ${size.toLocaleString('en-US')} points; at most ${MAX_MATRIX_POINTS.toLocaleString('en-US')} (split the scenario, or use fewer axis values)` }] };
  }
  const raw = matrix ? rawPoints(matrix) : [{ values: {}, origins: {} }];
  const points: MatrixPoint[] = [];
  const seen = new Set<string>();
  const issues = new Map<string, MatrixIssue>();
  const note = (pathKeys: PropertyKey[], message: string) => issues.set(`${pathKeys.join('.')}|${message}`, { pathKeys, message });

  const excluded = (matrix?.exclude ?? []).map((entry, index) => ({ entry, index }));
  for (const point of raw) {
    const parsed = workloadParamsSchema.safeParse({ ...workload, ...point.values });
    if (!parsed.success) {
      for (const issue of issuesFromZod(parsed.error, '')) {
        const [key] = issue.pathKeys;
        const origin = typeof key === 'string' ? point.origins[key] : undefined;
        const pathKeys = origin ? [...origin, ...issue.pathKeys.slice(1)] : ['workload', ...issue.pathKeys];
        const message =
          issue.message === 'is required' && !origin ? 'is required (in workload or in every matrix point)' : issue.message;
        note(pathKeys, message);
      }
      continue;
    }
    if (excluded.some(({ entry }) => matches(parsed.data, workload, entry))) continue;
    const key = JSON.stringify(parsed.data);
    if (seen.has(key)) continue;
    seen.add(key);
    points.push({ params: parsed.data, values: point.values });
  }
  const shape = workloadObjects.find((option) => option.shape.type.value === workload.type)?.shape ?? {};
  for (const { entry, index } of excluded) {
    for (const key of Object.keys(entry)) {
      if (!(key in shape)) note(['matrix', 'exclude', index, key], 'unknown workload parameter');
    }
  }
  if (issues.size === 0 && points.length === 0) note(['matrix'], 'every combination is excluded: nothing to run');
  return { points, issues: [...issues.values()] };
}

function rawPoints(matrix: Matrix): RawPoint[] {
  let points: RawPoint[] = Object.keys(matrix.axes).length > 0 ? [{ values: {}, origins: {} }] : [];
  for (const [key, values] of Object.entries(matrix.axes)) {
    points = points.flatMap((point) =>
      values.map((value, index) => ({
        values: { ...point.values, [key]: value },
        origins: { ...point.origins, [key]: ['matrix', 'axes', key, index] },
      })),
    );
  }
  for (const [index, entry] of matrix.include.entries()) {
    const origins = Object.fromEntries(Object.keys(entry).map((key) => [key, ['matrix', 'include', index, key]]));
    points.push({ values: { ...entry }, origins });
  }
  return points;
}

/** True when every key of `entry` equals the point's value after parsing (so "64KiB" matches 65536). */
function matches(params: WorkloadParams, workload: Record<string, unknown>, entry: Record<string, unknown>): boolean {
  const probe = workloadParamsSchema.safeParse({ ...workload, ...params, ...entry });
  if (!probe.success) return false;
  const record = params as Record<string, unknown>;
  const parsedEntry = probe.data as Record<string, unknown>;
  return Object.keys(entry).every((key) => JSON.stringify(parsedEntry[key]) === JSON.stringify(record[key]));
}
