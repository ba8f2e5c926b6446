import { describe, expect, it } from 'vitest';
import {
  decodeHistogram,
  encodeHistogram,
  latencyStats,
  mergeEncoded,
  meanOf,
  newHistogram,
  recordUs,
  toRecordableUs,
} from '../../../src/metrics/histogram.js';
import { isPacsLoadError } from '../../../src/errors.js';

describe('latencyStats', () => {
  it('gives exact figures for values within single-unit resolution (below 2048 µs)', () => {
    const histogram = newHistogram();
    for (let value = 1; value <= 1000; value++) histogram.recordValue(value);
    expect(latencyStats(histogram)).toEqual({
      count: 1000,
      minUs: 1,
      meanUs: 501, // 500.5 rounded
      p50Us: 500,
      p90Us: 900,
      p95Us: 950,
      p99Us: 990,
      p999Us: 999,
      maxUs: 1000,
    });
  });

  it('stays within 0.1% for large values', () => {
    const histogram = newHistogram();
    for (let index = 1; index <= 100; index++) histogram.recordValue(index * 1_000_000);
    const stats = latencyStats(histogram);
    expect(stats.count).toBe(100);
    expect(Math.abs(stats.p50Us - 50_000_000) / 50_000_000).toBeLessThan(0.001);
    expect(Math.abs(stats.maxUs - 100_000_000) / 100_000_000).toBeLessThan(0.001);
    expect(Math.abs(stats.minUs - 1_000_000) / 1_000_000).toBeLessThan(0.001);
  });

  it('records values beyond the initial range (auto-resize): a 2-hour operation', () => {
    const histogram = newHistogram();
    histogram.recordValue(7_200_000_000);
    expect(Math.abs(latencyStats(histogram).maxUs - 7_200_000_000) / 7_200_000_000).toBeLessThan(0.001);
  });

  it('is all zeros for an empty histogram', () => {
    expect(latencyStats(newHistogram())).toEqual({
      count: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p95Us: 0, p99Us: 0, p999Us: 0, maxUs: 0,
    });
  });

  it('gives the same stats before and after an encode/decode round trip', () => {
    const histogram = newHistogram();
    for (const value of [3, 17, 4_000, 123_456, 9_876_543]) histogram.recordValue(value);
    expect(latencyStats(decodeHistogram(encodeHistogram(histogram)))).toEqual(latencyStats(histogram));
  });
});

describe('toRecordableUs', () => {
  it('truncates fractions and clamps negatives to 0', () => {
    expect(toRecordableUs(12.9)).toBe(12);
    expect(toRecordableUs(-3)).toBe(0);
    expect(toRecordableUs(0)).toBe(0);
    expect(toRecordableUs(42)).toBe(42);
  });

  it('throws ERR_INTERNAL for NaN and infinity', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      try {
        toRecordableUs(bad);
        expect.unreachable();
      } catch (error) {
        expect(isPacsLoadError(error) && error.code).toBe('ERR_INTERNAL');
      }
    }
  });

  it('keeps floats out of the histogram (max stays an integer)', () => {
    const histogram = newHistogram();
    recordUs(histogram, 5.7);
    expect(histogram.maxValue).toBe(5);
  });
});

describe('mergeEncoded', () => {
  it('adds histograms exactly', () => {
    const a = newHistogram();
    const b = newHistogram();
    const all = newHistogram();
    for (let value = 1; value < 5000; value += 7) {
      (value % 2 === 0 ? a : b).recordValue(value * 13);
      all.recordValue(value * 13);
    }
    const merged = decodeHistogram(mergeEncoded([encodeHistogram(a), encodeHistogram(b)]));
    expect(merged.totalCount).toBe(all.totalCount);
    expect(latencyStats(merged)).toEqual(latencyStats(all));
  });

  it('gives an empty histogram for an empty list', () => {
    expect(decodeHistogram(mergeEncoded([])).totalCount).toBe(0);
  });
});

describe('meanOf', () => {
  it('equals the library mean getter, for recorded and decoded histograms over a wide range', () => {
    const histogram = newHistogram();
    let seed = 12345;
    for (let index = 0; index < 20_000; index++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      // Spread from 1 µs to about 10 minutes, log-uniform-ish.
      recordUs(histogram, Math.floor(Math.exp((seed / 2 ** 31) * 20)));
    }
    expect(meanOf(histogram)).toBe(histogram.mean);
    const decoded = decodeHistogram(encodeHistogram(histogram));
    expect(meanOf(decoded)).toBe(decoded.mean);
    expect(meanOf(newHistogram())).toBe(0);
  });
});
