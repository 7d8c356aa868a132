/** What a metric is, apart from where it is read: its key, label, unit and better direction. */

/** The units metrics are given in. */
export type MetricUnit = 'seconds' | 'ms' | 'messages/s' | 'MB/s' | 'bytes' | 'count' | 'cores' | 'ratio';

/** A metric's identity and how to show and compare it. */
export interface MetricInfo {
  /** Stable key, e.g. "e2eLatencyMs.p99" (a contract: gates and exports name metrics by it). */
  key: string;
  /** Column/axis label. */
  label: string;
  unit: MetricUnit;
  better: 'lower' | 'higher';
}
