/**
 * Exact rationals for the arrival-time arithmetic. Profile rates are doubles
 * (`0.2/s`, `33.3/s`, `20/min` = 0.333.../s); computing arrival times from them in
 * floating point puts an arrival 1 µs early whenever the rounding falls below the
 * written value (at 1.1/s, arrival 33 is at 30 s, but floor(33 * 1e6 / 1.1) is
 * 29999999), and adding intervals drifts (a million arrivals at 0.3/s end up
 * 34 ms late). So each rate is turned back into the simplest fraction that the
 * double stands for, and times are computed from integers.
 */

export interface Rational {
  /** Numerator, >= 0 for the values used here. */
  num: bigint;
  /** Denominator, > 0. */
  den: bigint;
}

/** Denominators above this are not "written" values; the double is then taken as it is. */
const MAX_SIMPLE_DENOMINATOR = 1_000_000_000n;

/**
 * The simplest fraction whose value, as a double, is exactly `value` (for example
 * 0.2 -> 1/5, 33.3 -> 333/10, 1/3 -> 1/3), found with continued-fraction
 * convergents. When no fraction with a denominator up to 1e9 matches, the exact
 * binary value of the double is returned. `value` must be finite and >= 0.
 */
export function toRational(value: number): Rational {
  if (Number.isInteger(value)) return { num: BigInt(value), den: 1n };
  // Convergents h/k of the continued fraction of `value`.
  let hPrev = 1n;
  let kPrev = 0n;
  let h = BigInt(Math.floor(value));
  let k = 1n;
  let rest = value - Math.floor(value);
  for (let step = 0; step < 64 && rest > 0; step += 1) {
    const inverse = 1 / rest;
    const term = Math.floor(inverse);
    rest = inverse - term;
    const termBig = BigInt(term);
    [hPrev, h] = [h, termBig * h + hPrev];
    [kPrev, k] = [k, termBig * k + kPrev];
    if (k > MAX_SIMPLE_DENOMINATOR) break;
    if (Number(h) / Number(k) === value) return reduce(h, k);
  }
  return exactBinary(value);
}

/** The exact value of a finite double as a fraction with a power-of-two denominator. */
function exactBinary(value: number): Rational {
  let num = value;
  let den = 1n;
  // Multiplying by 2 is exact; at most 1074 steps for the smallest subnormal.
  while (!Number.isInteger(num)) {
    num *= 2;
    den *= 2n;
  }
  return reduce(BigInt(num), den);
}

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** `num/den` in lowest terms, with a positive denominator. */
export function reduce(num: bigint, den: bigint): Rational {
  const divisor = gcd(num, den) || 1n;
  const sign = den < 0n ? -1n : 1n;
  return { num: (sign * num) / divisor, den: (sign * den) / divisor };
}

/** floor(a / b) for b > 0 (BigInt division truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return a % b !== 0n && a < 0n ? quotient - 1n : quotient;
}

/** ceil(a / b) for b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}
