/**
 * The one place that builds, encodes and decodes HDR histograms (docs/architecture.md section 3,
 * points 3 and 4), so every histogram in a run has the same implementation and
 * settings and `add()` is always exact.
 *
 * Implementation choice: the plain JavaScript histogram, not the WASM one.
 * Measured on this machine (Node 20, 1e6 values): JS records in about 100 ns a
 * value, WASM in about 30 ns. An operation records at most 5 values, so even
 * 10,000 operations/s per worker cost about 5 ms of CPU a second in JS: noise
 * next to the protocol work. WASM would need `initWebAssemblySync()` in every
 * thread, an explicit `destroy()` for every histogram (decoded ones included, or
 * WASM memory leaks) and must never be mixed with JS histograms in `add()`.
 * The JS histogram is garbage collected and has none of those traps.
 *
 * Settings: integer microseconds, 3 significant digits, lowest discernible 1 µs,
 * 64-bit counts (exact up to 2^53, so merging long runs from many machines never
 * wraps a bucket), and auto-resize: the counts array grows to the largest value
 * recorded (a 2-hour C-MOVE is recorded, not rejected) and never shrinks, so a
 * recorder that resets its histograms each interval keeps flat memory (about
 * 15,360 counts, 120 KiB, for values up to 10 s).
 */
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';
import { PacsLoadError } from '../errors.js';
import type { LatencyStats } from './types.js';

export type { Histogram };

/** Relative precision of every histogram: 3 significant digits (0.1%). */
export const HISTOGRAM_SIGNIFICANT_DIGITS = 3;
const BIT_BUCKET_SIZE = 64;
/**
 * Initial range: the smallest allowed; auto-resize grows the counts array to the
 * largest value recorded or added. Measured (1e6 µs-scale values, 500 a histogram):
 * decoding plus adding costs about 0.1 ms this way against 0.25 ms when every
 * histogram starts with a one-hour range (23,552 counts), and the coordinator
 * decodes every histogram of every worker each second. The price: the encoded
 * header records the grown bound, which depends on the order of merges, so two
 * encodings of equal counts may differ in that header (compare decoded counts).
 */
const INITIAL_HIGHEST_TRACKABLE_US = 2;

/** A new, empty histogram with the run's settings. */
export function newHistogram(): Histogram {
  return build({
    bitBucketSize: BIT_BUCKET_SIZE,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: INITIAL_HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: HISTOGRAM_SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/**
 * The value a histogram records for a duration in microseconds: truncated to an
 * integer (HDR buckets are integers; callers should already pass integers), and
 * negative values clamped to 0 (a timer that fires a few µs before the planned
 * start gives a slightly negative lag, which is no lag). Throws for NaN or
 * infinity, which can only come from a bug in the caller.
 */
export function toRecordableUs(valueUs: number): number {
  if (!Number.isFinite(valueUs)) {
    throw new PacsLoadError('ERR_INTERNAL', `A duration of ${valueUs} µs cannot be recorded.`, {
      hint: 'This is a bug in pacs-load; please report it with the profile and the command you ran.',
    });
  }
  return valueUs <= 0 ? 0 : Math.floor(valueUs);
}

/** Records one duration (see `toRecordableUs` for how it is made an integer). */
export function recordUs(histogram: Histogram, valueUs: number): void {
  histogram.recordValue(toRecordableUs(valueUs));
}

/** The compressed base64 form (HdrHistogram V2 encoding) that crosses threads and machines. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Decodes `encodeHistogram` output (from any HdrHistogram implementation) into a run histogram. */
export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded, BIT_BUCKET_SIZE, false);
}

/** Adds an encoded histogram into `target` exactly (bucket counts are summed). */
export function addEncoded(target: Histogram, encoded: string): void {
  target.add(decodeHistogram(encoded));
}

/** The exact merge of encoded histograms, encoded; the empty list gives an empty histogram. */
export function mergeEncoded(list: readonly string[]): string {
  const merged = newHistogram();
  for (const encoded of list) addEncoded(merged, encoded);
  return encodeHistogram(merged);
}

/**
 * Latency statistics of a histogram, integer microseconds. Every figure comes
 * from the bucket counts only (percentile 0 for min, 100 for max, the mean
 * rounded), so a histogram and the merge of its parts give identical stats,
 * whether recorded directly or decoded. Min and max are therefore at histogram
 * resolution (0.1%), like every percentile. An empty histogram gives all zeros.
 */
export function latencyStats(histogram: Histogram): LatencyStats {
  const count = histogram.totalCount;
  if (count === 0) {
    return { count: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p95Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 };
  }
  return {
    count,
    minUs: histogram.getValueAtPercentile(0),
    meanUs: Math.round(meanOf(histogram)),
    p50Us: histogram.getValueAtPercentile(50),
    p90Us: histogram.getValueAtPercentile(90),
    p95Us: histogram.getValueAtPercentile(95),
    p99Us: histogram.getValueAtPercentile(99),
    p999Us: histogram.getValueAtPercentile(99.9),
    maxUs: histogram.getValueAtPercentile(100),
  };
}

/** The bucket-walking surface of hdr-histogram-js's JS histogram (public on JsHistogram, absent from its `Histogram` type). */
interface BucketView {
  countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  medianEquivalentValue(value: number): number;
}

/**
 * The histogram's mean, the same value as its `mean` getter (each bucket's
 * count at the bucket's median equivalent value), by a plain walk over the
 * counts: the getter's iterator allocates per bucket and costs about 3 ms on a
 * wide histogram, against about 0.2 ms here, and the coordinator computes this
 * for every series every interval.
 */
export function meanOf(histogram: Histogram): number {
  const count = histogram.totalCount;
  if (count === 0) return 0;
  const buckets = histogram as unknown as BucketView;
  let total = 0;
  for (let index = 0; index < buckets.countsArrayLength; index++) {
    const inBucket = buckets.getCountAtIndex(index);
    if (inBucket > 0) total += buckets.medianEquivalentValue(buckets.valueFromIndex(index)) * inBucket;
  }
  return total / count;
}
