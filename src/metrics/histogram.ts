/** HDR latency histograms (microseconds, 3 significant digits): creation, encoding, merging and summaries. */
import { z } from 'zod';
import * as hdr from 'hdr-histogram-js';

/** An HDR histogram. */
export type Histogram = hdr.Histogram;

/** Percentiles of a latency histogram, in milliseconds. Percentiles are read from merged histograms, never averaged. */
export const latencySummarySchema = z.object({ p50: z.number(), p90: z.number(), p99: z.number(), p999: z.number(), max: z.number(), mean: z.number(), count: z.number() });

/** Percentiles (ms), mean and count of a latency histogram. */
export type LatencySummary = z.infer<typeof latencySummarySchema>;

/** Creates an empty histogram for latencies in microseconds (1 µs to hours, auto-resizing, 3 significant digits). */
export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Records a latency given in milliseconds (fractional) into a microsecond histogram. */
export function recordMs(histogram: Histogram, milliseconds: number): void {
  histogram.recordValue(Math.max(1, Math.round(milliseconds * 1000)));
}

/** Encodes a histogram into the compressed base64 form of the HdrHistogram family (portable to Java/Go tools). */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** Decodes a histogram written by `encodeHistogram`. */
export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** Adds the values of an encoded histogram to `histogram`. */
export function addEncoded(histogram: Histogram, encoded: string): void {
  const other = decodeHistogram(encoded);
  histogram.add(other);
  other.destroy();
}

/** Merges encoded histograms into one (empty when none). */
export function mergeEncoded(encoded: Iterable<string>): Histogram {
  const merged = createHistogram();
  for (const item of encoded) addEncoded(merged, item);
  return merged;
}

/** Summarises a microsecond histogram in milliseconds. An empty histogram gives zero count and zero values. */
export function summarizeLatency(histogram: Histogram): LatencySummary {
  const at = (percentile: number) => histogram.getValueAtPercentile(percentile) / 1000;
  if (histogram.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
  return {
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: histogram.maxValue / 1000,
    mean: histogram.mean / 1000,
    count: histogram.totalCount,
  };
}

/** The percentiles a latency spectrum is drawn at: 0 to 99.9999 %, denser towards the tail. */
export const SPECTRUM_PERCENTILES = [
  0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96.25, 97.5, 98, 98.75, 99, 99.375, 99.5, 99.6875, 99.8,
  99.9, 99.95, 99.97, 99.99, 99.995, 99.999, 99.9999, 100,
];

/** Points (percentile, latency ms) of a histogram's percentile spectrum, for a log-scaled chart. */
export function percentileSpectrum(histogram: Histogram): Array<{ percentile: number; ms: number }> {
  if (histogram.totalCount === 0) return [];
  const maxUseful = 100 - 100 / histogram.totalCount;
  return SPECTRUM_PERCENTILES.filter((p) => p <= Math.max(maxUseful, 50) || p === 100).map((percentile) => ({
    percentile,
    ms: histogram.getValueAtPercentile(percentile) / 1000,
  }));
}

/** The latency summary of histogram `name` merged over phases that recorded it (empty when none did). */
export function mergedLatency(phases: ReadonlyArray<{ histograms: Record<string, string> }>, name: string): LatencySummary {
  const histogram = mergeEncoded(phases.flatMap((phase) => (phase.histograms[name] ? [phase.histograms[name]!] : [])));
  const summary = summarizeLatency(histogram);
  histogram.destroy();
  return summary;
}
