/**
 * docs/architecture.md section 3, point 4: the coordinator's merge of per-worker, per-interval
 * snapshots is exact. Samples spread over several workers and intervals must give
 * the very histogram that recording all of them in one place gives.
 */
import { describe, expect, it } from 'vitest';
import { RunAggregator } from '../../../src/metrics/aggregate.js';
import { decodeHistogram, encodeHistogram, latencyStats, mergeEncoded, newHistogram, type Histogram } from '../../../src/metrics/histogram.js';
import { HISTOGRAM_NAMES, type HistogramName } from '../../../src/metrics/names.js';
import { MetricsRecorder, type OperationSample } from '../../../src/metrics/recorder.js';
import type { IntervalSnapshot } from '../../../src/metrics/types.js';
import { normalizedEncoding } from './normalized-encoding.js';
import { latencyUs, seededRandom } from './seeded-random.js';

const WORKERS = 4;
const INTERVALS = 6;
const INTERVAL_US = 1_000_000;
const SAMPLES = 30_000;
const SERIES = [
  { scenario: 'worklist', operation: 'mwl.find' },
  { scenario: 'viewer', operation: 'qido.studies' },
] as const;

interface Direct {
  histograms: Record<HistogramName, Histogram>;
  perInterval: Histogram[];
  outcomes: Record<string, number>;
  bytesSent: number;
  bytesReceived: number;
}

function expectSameDistribution(actual: Histogram, expected: Histogram): void {
  expect(actual.totalCount).toBe(expected.totalCount);
  for (let halves = 0; halves <= 200; halves++) {
    const percentile = halves / 2;
    expect(actual.getValueAtPercentile(percentile), `p${percentile}`).toBe(expected.getValueAtPercentile(percentile));
  }
  for (const percentile of [99.9, 99.99, 99.999, 100]) {
    expect(actual.getValueAtPercentile(percentile), `p${percentile}`).toBe(expected.getValueAtPercentile(percentile));
  }
  expect(actual.mean).toBe(expected.mean);
}

function runScenario(): { snapshots: IntervalSnapshot[]; direct: Direct[] } {
  const random = seededRandom(20240611);
  const recorders = Array.from({ length: WORKERS }, () => new MetricsRecorder());
  const direct: Direct[] = SERIES.map(() => ({
    histograms: Object.fromEntries(HISTOGRAM_NAMES.map((name) => [name, newHistogram()])) as Record<HistogramName, Histogram>,
    perInterval: Array.from({ length: INTERVALS }, () => newHistogram()),
    outcomes: {},
    bytesSent: 0,
    bytesReceived: 0,
  }));
  // Bucket the samples by interval first, then replay interval by interval.
  const byInterval: { worker: number; series: number; sample: OperationSample }[][] = Array.from({ length: INTERVALS }, () => []);
  for (let index = 0; index < SAMPLES; index++) {
    const series = random() < 0.7 ? 0 : 1;
    const serviceUs = latencyUs(random);
    const lagUs = random() < 0.9 ? Math.floor(random() * 200) : latencyUs(random);
    const outcome = random() < 0.97 ? 'ok' : random() < 0.5 ? 'timeout' : 'dimse_failure_a700';
    const sample: OperationSample = {
      outcomeKey: outcome,
      responseUs: serviceUs + lagUs,
      serviceUs,
      lagUs,
      bytesSent: 100 + Math.floor(random() * 1000),
      bytesReceived: Math.floor(random() * 100_000),
      ...(series === 0 ? { setupUs: Math.floor(random() * 5000) } : { ttfbUs: Math.floor(random() * 20_000) }),
    };
    const interval = Math.floor(random() * INTERVALS);
    byInterval[interval]?.push({ worker: Math.floor(random() * WORKERS), series, sample });

    const expected = direct[series] as Direct;
    expected.histograms.response.recordValue(sample.responseUs);
    expected.histograms.service.recordValue(sample.serviceUs);
    expected.histograms.lag.recordValue(sample.lagUs);
    if (sample.setupUs !== undefined) expected.histograms.setup.recordValue(sample.setupUs);
    if (sample.ttfbUs !== undefined) expected.histograms.ttfb.recordValue(sample.ttfbUs);
    expected.perInterval[interval]?.recordValue(sample.responseUs);
    expected.outcomes[outcome] = (expected.outcomes[outcome] ?? 0) + 1;
    expected.bytesSent += sample.bytesSent;
    expected.bytesReceived += sample.bytesReceived;
  }
  const snapshots: IntervalSnapshot[] = [];
  for (let interval = 0; interval < INTERVALS; interval++) {
    for (const { worker, series, sample } of byInterval[interval] ?? []) {
      const { scenario, operation } = SERIES[series] as (typeof SERIES)[number];
      recorders[worker]?.record(scenario, operation, sample);
    }
    recorders.forEach((recorder, worker) => {
      snapshots.push(recorder.takeSnapshot(worker, interval * INTERVAL_US, (interval + 1) * INTERVAL_US));
    });
  }
  return { snapshots, direct };
}

/**
 * A deterministic random interleaving of the workers' snapshots: workers run
 * ahead of each other by several intervals, but each worker's own snapshots
 * stay in order (a worker posts them in order on a FIFO MessagePort).
 */
function interleaved(snapshots: readonly IntervalSnapshot[], seed: number): IntervalSnapshot[] {
  const random = seededRandom(seed);
  const queues = Array.from({ length: WORKERS }, (_, worker) => snapshots.filter((item) => item.workerIndex === worker));
  const result: IntervalSnapshot[] = [];
  while (queues.some((queue) => queue.length > 0)) {
    const nonEmpty = queues.filter((queue) => queue.length > 0);
    const queue = nonEmpty[Math.floor(random() * nonEmpty.length)] as IntervalSnapshot[];
    result.push(queue.shift() as IntervalSnapshot);
  }
  return result;
}

/** A deterministic shuffle of everything, order within a worker included. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const result = [...items];
  for (let index = result.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

describe('snapshot merge', () => {
  const { snapshots, direct } = runScenario();

  it('merging every per-worker, per-interval histogram gives exactly the histogram of all samples', () => {
    SERIES.forEach(({ scenario, operation }, seriesIndex) => {
      const expected = direct[seriesIndex] as Direct;
      for (const name of HISTOGRAM_NAMES) {
        const parts = snapshots
          .flatMap((snapshot) => snapshot.series)
          .filter((series) => series.scenario === scenario && series.operation === operation)
          .flatMap((series) => (series.histograms[name] === undefined ? [] : [series.histograms[name]]));
        const merged = decodeHistogram(mergeEncoded(parts));
        expectSameDistribution(merged, expected.histograms[name]);
        if (expected.histograms[name].totalCount > 0) {
          // The encoded bucket counts are identical too, not only the percentiles.
          expect(normalizedEncoding(mergeEncoded(parts))).toBe(normalizedEncoding(encodeHistogram(expected.histograms[name])));
        }
      }
    });
  });

  it('the run totals are exact whatever order snapshots arrive in, even out of order within a worker', () => {
    const aggregator = new RunAggregator(WORKERS);
    for (const snapshot of shuffled(snapshots, 7)) aggregator.add(snapshot);
    const summaries = aggregator.operationSummaries();
    expect(summaries.map((summary) => summary.scenario)).toEqual(['viewer', 'worklist']);
    SERIES.forEach(({ scenario, operation }, seriesIndex) => {
      const expected = direct[seriesIndex] as Direct;
      const summary = summaries.find((item) => item.scenario === scenario && item.operation === operation);
      expect(summary).toBeDefined();
      if (summary === undefined) return;
      const completed = Object.values(expected.outcomes).reduce((sum, count) => sum + count, 0);
      expect(summary.completed).toBe(completed);
      expect(summary.succeeded).toBe(expected.outcomes.ok);
      expect(summary.failed).toBe(completed - (expected.outcomes.ok ?? 0));
      expect(summary.outcomes).toEqual(expected.outcomes);
      expect(summary.bytesSent).toBe(expected.bytesSent);
      expect(summary.bytesReceived).toBe(expected.bytesReceived);
      for (const name of HISTOGRAM_NAMES) {
        const encoded = summary.histograms[name];
        if (expected.histograms[name].totalCount === 0) {
          expect(encoded).toBeUndefined();
          expect(summary.latency[name]).toBeUndefined();
          continue;
        }
        // Identical encoding: every bucket count is the same.
        expect(normalizedEncoding(encoded as string)).toBe(normalizedEncoding(encodeHistogram(expected.histograms[name])));
        expect(summary.latency[name]).toEqual(latencyStats(expected.histograms[name]));
      }
    });
  });

  it('each interval point merges the workers of that interval exactly', () => {
    const aggregator = new RunAggregator(WORKERS);
    const order = interleaved(snapshots, 11);
    // The interleaving really has workers several intervals apart.
    expect(order.slice(0, WORKERS).map((snapshot) => snapshot.sequence)).not.toEqual([0, 0, 0, 0]);
    for (const snapshot of order) aggregator.add(snapshot);
    const points = aggregator.intervalPoints();
    expect(points).toHaveLength(INTERVALS * SERIES.length);
    SERIES.forEach(({ scenario }, seriesIndex) => {
      const expected = direct[seriesIndex] as Direct;
      for (let interval = 0; interval < INTERVALS; interval++) {
        const point = points.find((item) => item.scenario === scenario && item.startUs === interval * INTERVAL_US);
        expect(point?.endUs).toBe((interval + 1) * INTERVAL_US);
        expect(point?.response).toEqual(latencyStats(expected.perInterval[interval] as Histogram));
        expect(point?.completed).toBe((expected.perInterval[interval] as Histogram).totalCount);
      }
    });
  });
});
