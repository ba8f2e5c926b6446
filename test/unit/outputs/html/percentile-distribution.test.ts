import { describe, expect, it } from 'vitest';
import { encodeHistogram, latencyStats, newHistogram, recordUs } from '../../../../src/metrics/histogram.js';
import {
  CURVE_MAX_NINES,
  TABLE_PERCENTILES,
  percentileDistribution,
  percentileOfNines,
} from '../../../../src/outputs/html/percentile-distribution.js';

describe('percentileDistribution', () => {
  it('gives the same percentiles as the summary stats, and a rising curve from p0 to p99.99', () => {
    const histogram = newHistogram();
    for (let valueUs = 1; valueUs <= 100_000; valueUs++) recordUs(histogram, valueUs);
    const stats = latencyStats(histogram);
    const distribution = percentileDistribution(encodeHistogram(histogram));
    expect(distribution?.count).toBe(100_000);
    expect(distribution?.table.map((entry) => entry.percentile)).toEqual(TABLE_PERCENTILES);
    const at = (percentile: number): number | undefined => distribution?.table.find((entry) => entry.percentile === percentile)?.valueUs;
    expect(at(50)).toBe(stats.p50Us);
    expect(at(99)).toBe(stats.p99Us);
    expect(at(99.9)).toBe(stats.p999Us);
    expect(at(100)).toBe(stats.maxUs);
    // 3 significant digits: p99.99 of 1..100000 is 99,990 within 0.1%.
    expect(at(99.99)).toBeGreaterThanOrEqual(99_900);

    const nines = distribution?.curveNines ?? [];
    const values = distribution?.curveUs ?? [];
    expect(nines[0]).toBe(0);
    expect(nines.at(-1)).toBe(CURVE_MAX_NINES);
    expect(values).toHaveLength(nines.length);
    for (let index = 1; index < values.length; index++) expect(values[index]).toBeGreaterThanOrEqual(values[index - 1] ?? 0);
  });

  it('maps nines to percentiles: 1 is p90, 2 is p99, 4 is p99.99', () => {
    expect(percentileOfNines(0)).toBe(0);
    expect(percentileOfNines(1)).toBeCloseTo(90, 10);
    expect(percentileOfNines(2)).toBeCloseTo(99, 10);
    expect(percentileOfNines(4)).toBeCloseTo(99.99, 10);
  });

  it('is undefined for a missing, empty or corrupt histogram, instead of failing the report', () => {
    expect(percentileDistribution(undefined)).toBeUndefined();
    expect(percentileDistribution('')).toBeUndefined();
    expect(percentileDistribution(encodeHistogram(newHistogram()))).toBeUndefined();
    expect(percentileDistribution('not a histogram')).toBeUndefined();
  });
});
