/**
 * The `ramping-arrival-rate` executor (open model, docs/architecture.md section 3 point 1): the
 * arrival rate starts at `startRatePerSec` and, in each stage, changes linearly
 * from the previous target to the stage's `targetPerSec` over its `durationUs`.
 *
 * Let N(t) be the expected number of arrivals by time t, the integral of the rate.
 * Arrival `i` is at the first instant after which N exceeds `i`:
 * t_i = sup { t : N(t) <= i }. Where the rate is positive this is simply N(t_i) = i;
 * the definition also settles the flat zero-rate stretches (a pause), whose
 * arrivals belong at the pause's end, not its start. The scenario has every
 * arrival with t_i before the end: ceil(N(total duration)) of them.
 *
 * Within a stage N is quadratic in t. The quadratic is solved in floating point for
 * a candidate and the candidate is then checked and corrected with exact integer
 * arithmetic (rates as fractions, see rational.ts), so floor(t_i) is exact, does
 * not drift, and the same `i` gets the same time on every worker.
 */
import type { RampingArrivalRate } from '../profile/types.js';
import { ceilDiv, reduce, toRational } from './rational.js';
import type { Rational } from './rational.js';
import { indexOutOfRange, requireCount, requireRate } from './spec-checks.js';
import type { ArrivalSchedule } from './types.js';

const US_PER_SEC = 1_000_000n;

/** A stage in which N grows (stages with no arrivals are skipped). */
interface ProductiveStage {
  startUs: number;
  durationUs: number;
  /** Rates at the stage's start and end, per microsecond, for the floating-point candidate. */
  startRatePerUs: number;
  endRatePerUs: number;
  /** N at the stage's start, approximately, for the candidate. */
  arrivalsBefore: number;
  /** N at the stage's end, exactly: the stage holds the arrivals i with N(start) <= i < N(end). */
  arrivalsAtEnd: Rational;
  /** Exact test: N(start + x) <= i  <=>  k0 + k1 x + k2 x^2 <= i * scale. */
  k0: bigint;
  k1: bigint;
  k2: bigint;
  scale: bigint;
}

export function rampingArrivalRateSchedule(spec: RampingArrivalRate): ArrivalSchedule {
  requireRate(spec.startRatePerSec, 'startRatePerSec');
  spec.stages.forEach((stage, k) => {
    requireCount(stage.durationUs, `stages[${k}].durationUs`);
    requireRate(stage.targetPerSec, `stages[${k}].targetPerSec`);
  });

  const stages: ProductiveStage[] = [];
  let startUs = 0;
  let startRate = spec.startRatePerSec;
  let before: Rational = { num: 0n, den: 1n };
  for (const stage of spec.stages) {
    const endRate = stage.targetPerSec;
    const after = arrivalsAfterStage(before, startRate, endRate, stage.durationUs);
    if (after.num * before.den > before.num * after.den) {
      stages.push(productiveStage(startUs, stage.durationUs, startRate, endRate, before, after));
    }
    startUs += stage.durationUs;
    startRate = endRate;
    before = after;
  }
  const durationUs = startUs;
  const totalArrivals = Number(ceilDiv(before.num, before.den));

  return {
    durationUs,
    totalArrivals,
    arrivalTimeUs(index: number): number {
      if (!(index >= 0 && index < totalArrivals && Number.isInteger(index))) {
        return indexOutOfRange(index, totalArrivals);
      }
      const stage = stageOf(stages, index);
      return stage.startUs + floorOffsetUs(stage, index);
    },
  };
}

/** N at the end of a stage: N before it plus the trapezoid (a + b) / 2 * D. */
function arrivalsAfterStage(before: Rational, startRate: number, endRate: number, durationUs: number): Rational {
  const a = toRational(startRate);
  const b = toRational(endRate);
  const addedNum = (a.num * b.den + b.num * a.den) * BigInt(durationUs);
  const addedDen = 2n * US_PER_SEC * a.den * b.den;
  return reduce(before.num * addedDen + addedNum * before.den, before.den * addedDen);
}

function productiveStage(
  startUs: number,
  durationUs: number,
  startRate: number,
  endRate: number,
  before: Rational,
  after: Rational,
): ProductiveStage {
  const a = toRational(startRate);
  const b = toRational(endRate);
  const d = BigInt(durationUs);
  // N(x) = N0 + a x / 1e6 + (b - a) x^2 / (2 D 1e6), with x in µs and rates per second,
  // multiplied through by scale = 2e6 D qa qb d0 to make every term an integer.
  const scale = 2n * US_PER_SEC * d * a.den * b.den * before.den;
  return {
    startUs,
    durationUs,
    startRatePerUs: startRate / 1e6,
    endRatePerUs: endRate / 1e6,
    arrivalsBefore: Number(before.num) / Number(before.den),
    arrivalsAtEnd: after,
    k0: 2n * US_PER_SEC * d * a.den * b.den * before.num,
    k1: 2n * d * a.num * b.den * before.den,
    k2: (b.num * a.den - a.num * b.den) * before.den,
    scale,
  };
}

/** The first productive stage whose end count exceeds `index` (binary search; N is increasing). */
function stageOf(stages: ProductiveStage[], index: number): ProductiveStage {
  const i = BigInt(index);
  let low = 0;
  let high = stages.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    const end = (stages[middle] as ProductiveStage).arrivalsAtEnd;
    if (end.num > i * end.den) high = middle;
    else low = middle + 1;
  }
  return stages[low] as ProductiveStage;
}

/**
 * floor(x) where N(start + x) = index within the stage: the largest whole x in
 * [0, D) with N(start + x) <= index (N is strictly increasing inside a productive stage).
 */
function floorOffsetUs(stage: ProductiveStage, index: number): number {
  const limit = BigInt(index) * stage.scale;
  const fits = (x: number): boolean => {
    const big = BigInt(x);
    return stage.k0 + big * (stage.k1 + stage.k2 * big) <= limit;
  };
  const last = stage.durationUs - 1;
  const isAnswer = (x: number): boolean => fits(x) && (x === last || !fits(x + 1));

  const candidate = Math.min(last, Math.max(0, Math.floor(candidateOffsetUs(stage, index))));
  for (const x of [candidate, candidate - 1, candidate + 1]) {
    if (x >= 0 && x <= last && isAnswer(x)) return x;
  }
  // The candidate was off by more than one µs (only for extreme numbers): bisect exactly.
  let low = 0; // fits(0) holds: N(start) <= index
  let high = last;
  while (low < high) {
    const middle = low + Math.ceil((high - low) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Solves N(start + x) = index in floating point, in the form that does not cancel. */
function candidateOffsetUs(stage: ProductiveStage, index: number): number {
  const remaining = index - stage.arrivalsBefore;
  if (remaining <= 0) return 0;
  const a = stage.startRatePerUs;
  const b = stage.endRatePerUs;
  if (a === b) return remaining / a;
  // (b - a) / (2 D) x^2 + a x - remaining = 0  =>  x = 2 remaining / (a + sqrt(a^2 + 2 (b - a) remaining / D))
  const discriminant = a * a + (2 * (b - a) * remaining) / stage.durationUs;
  return (2 * remaining) / (a + Math.sqrt(Math.max(0, discriminant)));
}
