/** Change points of the history's series: where each changed level, by how much, how sure, and in which direction. */
import { median } from '../util/stats.js';
import { eDivisive, type EDivisiveOptions } from './e-divisive.js';
import type { Series, SeriesPoint } from './series.js';

/**
 * The significance level `history changes` uses unless told otherwise: 0.01, not the 0.05 of the paper. On
 * 30-result series as noisy as this machine's it keeps false alarms in flat series to 0–1 in 50 (0.05: 4–6 in 50)
 * and still finds a 10 % step in 5 % noise 40 times in 50 (bench/change-points.bench.ts; docs/history.md).
 */
export const DEFAULT_ALPHA = 0.01;

/** How changes are searched for and judged. */
export interface ChangeOptions extends EDivisiveOptions {
  /** A worse change point among the last this many results fails the gate (default 5). */
  recent?: number;
  /** Changes of level smaller than this fraction are not reported (default 0: every significant one). */
  minChange?: number;
}

/** One change point of one series. */
export interface SeriesChange {
  series: Series;
  /** The first point at the new level. */
  index: number;
  /** The last result before the change and the first after it: the commit range to look in. */
  lastBefore: SeriesPoint;
  firstAfter: SeriesPoint;
  /** Medians of the segments either side (to the neighbouring change points). */
  levelBefore: number;
  levelAfter: number;
  /** levelAfter / levelBefore − 1. */
  change: number;
  pValue: number;
  direction: 'better' | 'worse';
  /** Among the last `recent` results. */
  recent: boolean;
  /** The configuration changed between the last result before and the first after (series across configurations). */
  configurationChanged: boolean;
}

/** What a search over many series found. */
export interface ChangeReport {
  changes: SeriesChange[];
  /** Series with too few results to split (fewer than two segments of the minimum size). */
  tooShort: Series[];
  searched: number;
}

/** The change points of every series. */
export function findChanges(seriesList: readonly Series[], options: ChangeOptions = {}): ChangeReport {
  const recent = options.recent ?? 5;
  const minSize = options.minSize ?? 3;
  const changes: SeriesChange[] = [];
  const tooShort: Series[] = [];
  for (const series of seriesList) {
    const values = series.points.map((point) => point.value);
    if (values.length < 2 * minSize) {
      tooShort.push(series);
      continue;
    }
    const points = eDivisive(values, { ...options, alpha: options.alpha ?? DEFAULT_ALPHA, minSize });
    const bounds = [0, ...points.map((point) => point.index), values.length];
    points.forEach((point, order) => {
      const levelBefore = median(values.slice(bounds[order]!, point.index));
      const levelAfter = median(values.slice(point.index, bounds[order + 2]!));
      const change = levelBefore === 0 ? (levelAfter === 0 ? 0 : Infinity) : levelAfter / levelBefore - 1;
      if (Math.abs(change) < (options.minChange ?? 0)) return;
      const higher = levelAfter > levelBefore;
      changes.push({
        series,
        index: point.index,
        lastBefore: series.points[point.index - 1]!,
        firstAfter: series.points[point.index]!,
        levelBefore,
        levelAfter,
        change,
        pValue: point.pValue,
        direction: higher === (series.metric.better === 'higher') ? 'better' : 'worse',
        recent: point.index >= values.length - recent,
        configurationChanged: series.points[point.index - 1]!.configHash !== series.points[point.index]!.configHash,
      });
    });
  }
  return { changes, tooShort, searched: seriesList.length };
}

/** How a change reads in tables: its direction, and whether it is recent or came with a change of configuration. */
export function changeVerdict(change: SeriesChange): string {
  return `${change.direction}${change.recent ? ' (recent)' : ''}${change.configurationChanged ? ', configuration changed' : ''}`;
}
