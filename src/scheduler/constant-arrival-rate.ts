/**
 * The `constant-arrival-rate` executor (open model, docs/architecture.md section 3 point 1):
 * `ratePerSec` arrivals per second for `durationUs`, whether or not earlier ones
 * have finished.
 *
 * Arrival `i` is at floor(i * 1e6 / ratePerSec) µs, computed from `i` with exact
 * integer arithmetic (the rate as a fraction p/q: floor(i * 1e6 * q / p)), never
 * by adding intervals, so arrival 1,000,000 is exactly where it should be. The
 * scenario has every arrival whose time is before `durationUs`:
 * ceil(durationUs * ratePerSec / 1e6) of them.
 */
import type { ConstantArrivalRate } from '../profile/types.js';
import { ceilDiv, gcd, toRational } from './rational.js';
import { indexOutOfRange, requireCount, requireRate } from './spec-checks.js';
import type { ArrivalSchedule } from './types.js';

const US_PER_SEC = 1_000_000n;

export function constantArrivalRateSchedule(spec: ConstantArrivalRate): ArrivalSchedule {
  requireRate(spec.ratePerSec, 'ratePerSec');
  requireCount(spec.durationUs, 'durationUs');
  const rate = toRational(spec.ratePerSec);
  const durationUs = spec.durationUs;
  if (rate.num === 0n) {
    return { durationUs, totalArrivals: 0, arrivalTimeUs: (index) => indexOutOfRange(index, 0) };
  }
  // Interval between arrivals = 1e6 * q / p µs, kept as the reduced fraction step/per.
  const divisor = gcd(US_PER_SEC * rate.den, rate.num);
  const stepBig = (US_PER_SEC * rate.den) / divisor;
  const perBig = rate.num / divisor;
  // Arrivals with i * step / per < durationUs.
  const totalArrivals = Number(ceilDiv(BigInt(durationUs) * perBig, stepBig));
  const step = Number(stepBig);
  const per = Number(perBig);
  const numbersAreExact = Number.isSafeInteger(step) && Number.isSafeInteger(per);

  return {
    durationUs,
    totalArrivals,
    arrivalTimeUs(index: number): number {
      if (!(index >= 0 && index < totalArrivals && Number.isInteger(index))) return indexOutOfRange(index, totalArrivals);
      const scaled = index * step;
      // Below 2^53 the double division is correctly rounded and cannot cross an
      // integer, so Math.floor is exact; above it, use BigInt.
      if (numbersAreExact && Number.isSafeInteger(scaled)) return Math.floor(scaled / per);
      return Number((BigInt(index) * stepBig) / perBig);
    },
  };
}

