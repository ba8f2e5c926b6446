/**
 * Keeps the report's over-time charts small for long runs: an 8-hour soak
 * has 28,800 one-second points per operation, more than a chart can show and
 * megabytes of page. Beyond `maxPoints`, consecutive points are joined in
 * buckets of equal size: counters and bytes are summed (rates stay exact),
 * and each response percentile is the worst of the bucket's intervals (the
 * points carry no histograms, so an exact percentile of the bucket is not
 * available; the worst second is what a reader of a latency chart looks for).
 */
import type { IntervalPoint, LatencyStats } from '../../metrics/types.js';

/** An interval point, or several joined, with the time they cover. */
export interface ChartPoint extends IntervalPoint {
  /** Microseconds covered by the joined intervals (their sum, not end - start: a series may pause). */
  activeUs: number;
}

/** About one point per screen pixel of a wide chart. */
export const MAX_CHART_POINTS = 1_500;

/** The points as they are (with `activeUs`) when few enough, otherwise joined; `pointsPerBucket` says how many. */
export function downsamplePoints(
  points: readonly IntervalPoint[],
  maxPoints: number = MAX_CHART_POINTS,
): { points: ChartPoint[]; pointsPerBucket: number } {
  const pointsPerBucket = Math.max(1, Math.ceil(points.length / maxPoints));
  const joined: ChartPoint[] = [];
  for (let start = 0; start < points.length; start += pointsPerBucket) {
    joined.push(joinPoints(points.slice(start, start + pointsPerBucket)));
  }
  return { points: joined, pointsPerBucket };
}

function joinPoints(bucket: readonly IntervalPoint[]): ChartPoint {
  const [first, ...rest] = bucket as [IntervalPoint, ...IntervalPoint[]];
  const joined: ChartPoint = { ...first, outcomes: { ...first.outcomes }, activeUs: first.endUs - first.startUs };
  for (const point of rest) {
    joined.endUs = point.endUs;
    joined.activeUs += point.endUs - point.startUs;
    joined.completed += point.completed;
    joined.failed += point.failed;
    joined.dropped += point.dropped;
    joined.bytesSent += point.bytesSent;
    joined.bytesReceived += point.bytesReceived;
    // A gauge: the bucket's last value.
    joined.inFlight = point.inFlight;
    for (const [outcome, count] of Object.entries(point.outcomes)) joined.outcomes[outcome] = (joined.outcomes[outcome] ?? 0) + count;
    joined.response = worstOf(joined.response, point.response);
  }
  return joined;
}

function worstOf(a: LatencyStats | undefined, b: LatencyStats | undefined): LatencyStats | undefined {
  if (a === undefined || a.count === 0) return b;
  if (b === undefined || b.count === 0) return a;
  return {
    count: a.count + b.count,
    minUs: Math.min(a.minUs, b.minUs),
    meanUs: Math.max(a.meanUs, b.meanUs),
    p50Us: Math.max(a.p50Us, b.p50Us),
    p90Us: Math.max(a.p90Us, b.p90Us),
    p95Us: Math.max(a.p95Us, b.p95Us),
    p99Us: Math.max(a.p99Us, b.p99Us),
    p999Us: Math.max(a.p999Us, b.p999Us),
    maxUs: Math.max(a.maxUs, b.maxUs),
  };
}
