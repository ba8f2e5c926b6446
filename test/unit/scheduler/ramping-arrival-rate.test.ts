import { describe, expect, it } from 'vitest';
import { constantArrivalRateSchedule } from '../../../src/scheduler/constant-arrival-rate.js';
import { rampingArrivalRateSchedule } from '../../../src/scheduler/ramping-arrival-rate.js';
import type { ArrivalSchedule } from '../../../src/scheduler/types.js';

const SEC = 1_000_000;
type Stage = { durationUs: number; targetPerSec: number };
const ramp = (startRatePerSec: number, stages: Stage[]) =>
  rampingArrivalRateSchedule({ type: 'ramping-arrival-rate', startRatePerSec, stages, maxInFlight: 10 });
const allTimes = (s: ArrivalSchedule) => Array.from({ length: s.totalArrivals }, (_, i) => s.arrivalTimeUs(i));

/** floor(sqrt(n)) for a BigInt n >= 0. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}
const ceilSqrt = (n: bigint) => {
  const root = isqrt(n);
  return root * root === n ? root : root + 1n;
};

/**
 * An independent exact N(t) (arrivals expected by t µs) with rates given to one
 * decimal, as a fraction num / den, to check every arrival time of a schedule.
 */
function exactN(startRatePerSec: number, stages: Stage[], tUs: number): { num: bigint; den: bigint } {
  // Work in tenths of an operation per second; N * 20e6 * D is an integer per stage, so use a common scale.
  let num = 0n;
  let den = 1n;
  let stageStart = 0;
  let from = BigInt(Math.round(startRatePerSec * 10));
  for (const stage of stages) {
    const to = BigInt(Math.round(stage.targetPerSec * 10));
    const d = BigInt(stage.durationUs);
    const x = BigInt(Math.max(0, Math.min(tUs - stageStart, stage.durationUs)));
    if (d > 0n) {
      // (from x + (to - from) x^2 / (2 D)) / (10 * 1e6)
      const addNum = 2n * d * from * x + (to - from) * x * x;
      const addDen = 2n * d * 10n * 1_000_000n;
      num = num * addDen + addNum * den;
      den = den * addDen;
    }
    stageStart += stage.durationUs;
    from = to;
  }
  return { num, den };
}

/** Checks N(u) <= i < N(u + 1) for every arrival: u = floor(t_i) exactly. */
function expectExact(startRatePerSec: number, stages: Stage[]): void {
  const s = ramp(startRatePerSec, stages);
  const total = exactN(startRatePerSec, stages, s.durationUs);
  // ceil(N(end)) arrivals.
  expect(BigInt(s.totalArrivals)).toBe((total.num + total.den - 1n) / total.den);
  let previous = 0;
  for (let i = 0; i < s.totalArrivals; i += 1) {
    const u = s.arrivalTimeUs(i);
    const atU = exactN(startRatePerSec, stages, u);
    const afterU = exactN(startRatePerSec, stages, u + 1);
    expect(atU.num <= BigInt(i) * atU.den, `N(${u}) <= ${i}`).toBe(true);
    expect(afterU.num > BigInt(i) * afterU.den, `N(${u + 1}) > ${i}`).toBe(true);
    expect(u).toBeGreaterThanOrEqual(previous);
    expect(u).toBeLessThan(s.durationUs);
    previous = u;
  }
}

describe('ramping-arrival-rate', () => {
  it('ramps 0 -> 10/s over 10 s: N(t) = t^2 / 2, arrival i at sqrt(2 i) s', () => {
    const s = ramp(0, [{ durationUs: 10 * SEC, targetPerSec: 10 }]);
    expect(s.totalArrivals).toBe(50);
    expect(s.durationUs).toBe(10 * SEC);
    expect(s.arrivalTimeUs(0)).toBe(0);
    expect(s.arrivalTimeUs(1)).toBe(1_414_213); // sqrt(2) s
    expect(s.arrivalTimeUs(2)).toBe(2 * SEC);
    expect(s.arrivalTimeUs(8)).toBe(4 * SEC);
    expect(s.arrivalTimeUs(49)).toBe(9_899_494); // sqrt(98) s
    for (let i = 0; i < 50; i += 1) {
      expect(s.arrivalTimeUs(i)).toBe(Number(isqrt(2n * BigInt(i) * 1_000_000_000_000n)));
    }
  });

  it('solves a ramp down to zero exactly: 10/s for 1 s, then 10 -> 0/s over 1 s', () => {
    const s = ramp(10, [
      { durationUs: SEC, targetPerSec: 10 },
      { durationUs: SEC, targetPerSec: 0 },
    ]);
    expect(s.totalArrivals).toBe(15);
    expect(allTimes(s).slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => i * 100_000));
    // In the second stage N = 10 + 10x - 5x^2: x = 1 - sqrt(1 - m/5) for m = i - 10.
    for (let m = 0; m < 5; m += 1) {
      const expected = SEC + SEC - Number(ceilSqrt(200_000_000_000n * BigInt(5 - m)));
      expect(s.arrivalTimeUs(10 + m)).toBe(expected);
    }
    expect(s.arrivalTimeUs(11)).toBe(1_105_572);
    expect(s.arrivalTimeUs(14)).toBe(1_552_786);
  });

  it('puts the arrivals around a zero-rate pause after it, not at its start', () => {
    const stages = [
      { durationUs: SEC, targetPerSec: 10 },
      { durationUs: SEC, targetPerSec: 0 },
      { durationUs: 2 * SEC, targetPerSec: 0 },
      { durationUs: SEC, targetPerSec: 10 },
    ];
    const s = ramp(10, stages);
    expect(s.durationUs).toBe(5 * SEC);
    expect(s.totalArrivals).toBe(20);
    expect(s.arrivalTimeUs(14)).toBe(1_552_786);
    expect(s.arrivalTimeUs(15)).toBe(4 * SEC); // N reached 15 at 2 s, but stays there until 4 s
    expect(s.arrivalTimeUs(16)).toBe(4_447_213); // 4 s + sqrt(0.2) s
    expect(s.arrivalTimeUs(19)).toBe(4_894_427); // 4 s + sqrt(0.8) s
    expectExact(10, stages);
  });

  it('has no arrivals at all at rate zero, and none during a leading pause', () => {
    expect(ramp(0, [{ durationUs: 10 * SEC, targetPerSec: 0 }]).totalArrivals).toBe(0);
    expect(ramp(0, []).totalArrivals).toBe(0);
    const s = ramp(0, [
      { durationUs: 3 * SEC, targetPerSec: 0 },
      { durationUs: SEC, targetPerSec: 4 },
      { durationUs: SEC, targetPerSec: 4 },
    ]);
    // 0 -> 4/s over 1 s: N = 2x^2 (arrival 1 at sqrt(0.5) s), then one every 250 ms.
    expect(allTimes(s)).toEqual([3 * SEC, 3 * SEC + 707_106, 4 * SEC, 4_250_000, 4_500_000, 4_750_000]);
  });

  it('equals the constant-arrival-rate plan for a flat stage', () => {
    for (const rate of [20, 33.3, 0.2, 7]) {
      const flat = ramp(rate, [{ durationUs: 60 * SEC, targetPerSec: rate }]);
      const constant = constantArrivalRateSchedule({ type: 'constant-arrival-rate', ratePerSec: rate, durationUs: 60 * SEC, maxInFlight: 1 });
      expect(allTimes(flat)).toEqual(allTimes(constant));
    }
  });

  it('is exact over multi-stage ramps with decimal rates, zero-length stages and jumps', () => {
    expectExact(5, [
      { durationUs: 2 * SEC, targetPerSec: 5 },
      { durationUs: 5 * SEC, targetPerSec: 40 },
      { durationUs: 0, targetPerSec: 12.5 },
      { durationUs: 3 * SEC, targetPerSec: 0.3 },
      { durationUs: 1_234_567, targetPerSec: 17.7 },
    ]);
    expectExact(0.1, [{ durationUs: 90 * SEC, targetPerSec: 3.3 }]);
    expectExact(100, [{ durationUs: 10 * SEC, targetPerSec: 0 }]);
  });

  it('keeps each arrival at the same time however far into the ramp it is', () => {
    // A 1-hour ramp to 500/s: check the last arrival too (no accumulation).
    const s = ramp(0, [{ durationUs: 3600 * SEC, targetPerSec: 500 }]);
    expect(s.totalArrivals).toBe(900_000);
    // N(t) = 500 t^2 / (2 * 3600): arrival i at sqrt(14.4 i) s.
    const i = 899_999n;
    expect(s.arrivalTimeUs(899_999)).toBe(Number(isqrt((144n * i * 1_000_000_000_000n) / 10n)));
  });
});
