/**
 * The percentile distribution of one encoded histogram (docs/architecture.md section 3:
 * latency by percentile, the HdrHistogram plot): a table of the usual
 * percentiles and a dense curve for a chart whose x axis is logarithmic in
 * "nines" (0 = p0, 1 = p90, 2 = p99, 3 = p99.9, 4 = p99.99), so the tail a
 * user feels is as wide on the page as the median. Decoded at render time in
 * Node, so the report page never decodes histograms itself.
 */
import { decodeHistogram, type Histogram } from '../../metrics/histogram.js';

/** The percentiles of the report's distribution table (100 is the maximum). */
export const TABLE_PERCENTILES: readonly number[] = [50, 75, 90, 95, 99, 99.9, 99.99, 100];

/** The curve goes to 99.99% (4 nines); beyond that a run rarely has enough samples. */
export const CURVE_MAX_NINES = 4;
const CURVE_STEPS_PER_NINE = 25;

export interface PercentileDistribution {
  count: number;
  /** `TABLE_PERCENTILES` and the value at each, integer microseconds. */
  table: { percentile: number; valueUs: number }[];
  /** x of the curve: nines, `-log10(1 - percentile / 100)`, 0 to `CURVE_MAX_NINES`. */
  curveNines: number[];
  /** y of the curve: the value at each x, integer microseconds. */
  curveUs: number[];
}

/**
 * The distribution of an encoded histogram, or undefined when it is missing,
 * empty, or not a histogram (a hand-edited summary must not break a report).
 */
export function percentileDistribution(encoded: string | undefined): PercentileDistribution | undefined {
  const histogram = tryDecode(encoded);
  if (histogram === undefined || histogram.totalCount === 0) return undefined;
  const curveNines: number[] = [];
  const curveUs: number[] = [];
  for (let step = 0; step <= CURVE_MAX_NINES * CURVE_STEPS_PER_NINE; step++) {
    const nines = step / CURVE_STEPS_PER_NINE;
    curveNines.push(nines);
    curveUs.push(histogram.getValueAtPercentile(percentileOfNines(nines)));
  }
  return {
    count: histogram.totalCount,
    table: TABLE_PERCENTILES.map((percentile) => ({ percentile, valueUs: histogram.getValueAtPercentile(percentile) })),
    curveNines,
    curveUs,
  };
}

/** 0 nines is p0, 1 is p90, 2 is p99, 2.5 is p99.68... */
export function percentileOfNines(nines: number): number {
  return 100 * (1 - 10 ** -nines);
}

function tryDecode(encoded: string | undefined): Histogram | undefined {
  if (encoded === undefined || encoded === '') return undefined;
  try {
    return decodeHistogram(encoded);
  } catch {
    return undefined;
  }
}
