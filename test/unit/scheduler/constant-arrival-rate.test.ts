import { describe, expect, it } from 'vitest';
import { PacsLoadError } from '../../../src/errors.js';
import { constantArrivalRateSchedule } from '../../../src/scheduler/constant-arrival-rate.js';

const SEC = 1_000_000;
const schedule = (ratePerSec: number, durationUs: number) =>
  constantArrivalRateSchedule({ type: 'constant-arrival-rate', ratePerSec, durationUs, maxInFlight: 10 });
const times = (ratePerSec: number, durationUs: number) => {
  const s = schedule(ratePerSec, durationUs);
  return Array.from({ length: s.totalArrivals }, (_, i) => s.arrivalTimeUs(i));
};

describe('constant-arrival-rate', () => {
  it('puts arrival i at i * 1e6 / rate µs: 20/s -> 0, 50000, 100000, ...', () => {
    const s = schedule(20, 10 * SEC);
    expect(s.totalArrivals).toBe(200);
    expect([0, 1, 2, 3, 199].map((i) => s.arrivalTimeUs(i))).toEqual([0, 50_000, 100_000, 150_000, 9_950_000]);
    expect(s.durationUs).toBe(10 * SEC);
  });

  it('counts only arrivals that start before the end', () => {
    expect(schedule(20, SEC).totalArrivals).toBe(20); // arrival 20 would be at exactly 1 s
    expect(schedule(20, SEC + 1).totalArrivals).toBe(21);
    expect(times(3, SEC)).toEqual([0, 333_333, 666_666]);
    expect(schedule(7, SEC).totalArrivals).toBe(7);
    expect(schedule(0, 60 * SEC).totalArrivals).toBe(0);
    expect(schedule(20, 0).totalArrivals).toBe(0);
  });

  it('is exact for decimal and per-minute rates where floating point is not', () => {
    // 0.2/s: one every 5 s.
    expect(times(0.2, 60 * SEC)).toEqual(Array.from({ length: 12 }, (_, i) => i * 5 * SEC));
    // 33.3/s: arrival 333 is at exactly 10 s.
    expect(schedule(33.3, 20 * SEC).arrivalTimeUs(333)).toBe(10 * SEC);
    expect(schedule(33.3, 40 * SEC).arrivalTimeUs(999)).toBe(30 * SEC);
    // 1.1/s: arrival 33 is at 30 s; floor(33 * 1e6 / 1.1) in floating point is 29999999.
    expect(schedule(1.1, 60 * SEC).arrivalTimeUs(33)).toBe(30 * SEC);
    expect(schedule(12.3, 200 * SEC).arrivalTimeUs(1599)).toBe(130 * SEC);
    // 20/min.
    expect(times(20 / 60, 10 * SEC)).toEqual([0, 3 * SEC, 6 * SEC, 9 * SEC]);
  });

  it('does not drift: arrival i depends on i alone, also beyond 2^53 intermediate values', () => {
    const s = schedule(0.3, 4e15);
    const i = 1_000_000_001;
    expect(s.arrivalTimeUs(i)).toBe(Number((BigInt(i) * 10_000_000n) / 3n));
    expect(s.arrivalTimeUs(i)).toBe(3_333_333_336_666_666);
    const fast = schedule(1000, 3600 * SEC);
    expect(fast.totalArrivals).toBe(3_600_000);
    expect(fast.arrivalTimeUs(3_599_999)).toBe(3_599_999_000);
  });

  it('is non-decreasing', () => {
    const all = times(7.7, 30 * SEC);
    for (let i = 1; i < all.length; i += 1) expect(all[i]).toBeGreaterThanOrEqual(all[i - 1] as number);
  });

  it('rejects impossible numbers and out-of-range indices', () => {
    expect(() => schedule(-1, SEC)).toThrow(PacsLoadError);
    expect(() => schedule(Number.NaN, SEC)).toThrow(PacsLoadError);
    expect(() => schedule(1, 1.5)).toThrow(PacsLoadError);
    expect(() => schedule(20, SEC).arrivalTimeUs(20)).toThrow(PacsLoadError);
    expect(() => schedule(20, SEC).arrivalTimeUs(-1)).toThrow(PacsLoadError);
  });
});
