/**
 * Execution segments: this instance's share of a run split over several
 * machines (issue 8; docs/architecture.md section 3, point 7; k6's execution segments are
 * the model). Every scenario's arrivals, users and iterations are numbered
 * globally; a segment owns some of those numbers, and the segments of a split
 * own each number exactly once. Within the instance, its worker threads then
 * stripe what the segment owns (segment.ts, `within`).
 *
 * Two notations, two rules (use one notation for all instances of a split):
 * - `--segment k/N` (1-based): striping, item i belongs to segment k iff
 *   i mod N == k - 1, the same rule as between worker threads. Shares are equal
 *   to within one item (10 over 3 is 4 + 3 + 3) and spread evenly in time.
 *   Composed with W worker threads this is one global stripe per worker:
 *   worker w of segment k owns i iff i mod (N * W) == (k - 1) + N * w. Every
 *   instance must use the same N (the notation says it).
 * - `--segment a:b` (fractions of [0, 1): decimals `0.25`, fractions `1/3` or
 *   percentages `25%`): item i belongs to the segment iff its fixed position
 *   p(i) (segment-position.ts, van der Corput) is in [a, b). Because p(i)
 *   depends on i alone, any disjoint segments covering [0, 1) partition the
 *   items exactly, even uneven ones (0:0.5, 0.5:0.8, 0.8:1) that were never
 *   declared together; shares are w * n give or take about log2(n).
 *
 * The values here are plain data, so they travel to worker threads as they are.
 */
import { PacsLoadError } from '../errors.js';
import type { Fraction } from './segment-position.js';
import { countPositionsBelow, positionBelow } from './segment-position.js';

export type ExecutionSegment =
  /** Items with i mod count == index (index 0-based). */
  | { kind: 'stripe'; index: number; count: number }
  /** Items whose position p(i) is in [from, to). */
  | { kind: 'range'; from: Fraction; to: Fraction }
  /** Items i whose `i mod modulus` the base segment owns (iterations follow their user, see iterationSegment). */
  | { kind: 'modulo'; modulus: number; base: ExecutionSegment };

/** The whole run: one instance. */
export const WHOLE_EXECUTION: ExecutionSegment = Object.freeze({ kind: 'stripe', index: 0, count: 1 });

/** Nothing at all (an instance without users in an `iterations` scenario). */
const EMPTY: ExecutionSegment = Object.freeze({ kind: 'range', from: { num: 0, den: 1 }, to: { num: 0, den: 1 } });

/** Largest denominator accepted in a fraction (keeps the position arithmetic exact in doubles). */
const MAX_DENOMINATOR = 1_000_000_000;

/** True when the segment owns global item `i` (a non-negative integer). */
export function executionOwns(segment: ExecutionSegment, i: number): boolean {
  switch (segment.kind) {
    case 'stripe':
      return i % segment.count === segment.index;
    case 'range':
      return !positionBelow(i, segment.from) && positionBelow(i, segment.to);
    case 'modulo':
      return executionOwns(segment.base, i % segment.modulus);
  }
}

/** How many of the items 0 .. n-1 the segment owns (its rank of item n). */
export function executionCountBelow(segment: ExecutionSegment, n: number): number {
  if (n <= 0) return 0;
  switch (segment.kind) {
    case 'stripe':
      return n <= segment.index ? 0 : Math.floor((n - 1 - segment.index) / segment.count) + 1;
    case 'range':
      return countPositionsBelow(n, segment.to) - countPositionsBelow(n, segment.from);
    case 'modulo': {
      const perCycle = executionCountBelow(segment.base, segment.modulus);
      return Math.floor(n / segment.modulus) * perCycle + executionCountBelow(segment.base, n % segment.modulus);
    }
  }
}

/** True when the segment owns no item at all (so enumerating it must not search for ever). */
export function executionIsEmpty(segment: ExecutionSegment): boolean {
  switch (segment.kind) {
    case 'stripe':
      return false;
    case 'range':
      return segment.from.num * segment.to.den >= segment.to.num * segment.from.den;
    case 'modulo':
      return executionCountBelow(segment.base, segment.modulus) === 0;
  }
}

/**
 * Which iterations of an `iterations` scenario with `users` users this
 * segment runs. Iterations may only go to instances that run a user, or they
 * would be lost:
 * - stripes: user u runs on segment u mod N, so segments 0 .. min(U, N) - 1
 *   have users and iteration i goes to segment i mod min(U, N) (the rule the
 *   worker threads use, iterations.ts);
 * - ranges (and anything else): iteration i goes to the segment that owns user
 *   i mod U, which needs no knowledge of the other segments.
 */
export function iterationSegment(segment: ExecutionSegment, users: number): ExecutionSegment {
  if (users <= 0) return EMPTY;
  if (segment.kind === 'stripe') {
    const sharing = Math.min(users, segment.count);
    return segment.index < sharing ? { kind: 'stripe', index: segment.index, count: sharing } : EMPTY;
  }
  return { kind: 'modulo', modulus: users, base: segment };
}

/** The segment as the user writes it: `2/8` or `1/4:1/2`. */
export function describeExecutionSegment(segment: ExecutionSegment): string {
  switch (segment.kind) {
    case 'stripe':
      return `${segment.index + 1}/${segment.count}`;
    case 'range':
      return `${fractionText(segment.from)}:${fractionText(segment.to)}`;
    case 'modulo':
      return `${describeExecutionSegment(segment.base)} (iterations mod ${segment.modulus})`;
  }
}

/** Throws ERR_INTERNAL unless the segment is well formed (it crossed a thread boundary). */
export function assertExecutionSegment(segment: ExecutionSegment): void {
  const ok = (() => {
    switch (segment.kind) {
      case 'stripe':
        return Number.isSafeInteger(segment.count) && segment.count >= 1 && Number.isSafeInteger(segment.index) && segment.index >= 0 && segment.index < segment.count;
      case 'range':
        return validFraction(segment.from) && validFraction(segment.to);
      case 'modulo':
        return Number.isSafeInteger(segment.modulus) && segment.modulus >= 1;
    }
  })();
  if (!ok) {
    throw new PacsLoadError('ERR_INTERNAL', `Invalid execution segment ${JSON.stringify(segment)}.`, {
      hint: 'This is a bug in pacs-load: execution segments come from parseExecutionSegment.',
    });
  }
}

/**
 * Parses `--segment`: `k/N` (1 <= k <= N, whole numbers) or `a:b` with
 * 0 <= a < b <= 1, each bound a decimal (`0.25`), a fraction (`1/3`) or a
 * percentage (`25%`). Throws ERR_USAGE with an example otherwise.
 */
export function parseExecutionSegment(text: string): ExecutionSegment {
  const trimmed = text.trim();
  const stripe = /^(\d+)\/(\d+)$/.exec(trimmed);
  if (stripe !== null) {
    const k = Number(stripe[1]);
    const n = Number(stripe[2]);
    if (!Number.isSafeInteger(n) || n < 1 || k < 1 || k > n) {
      throw usage(`--segment ${text}: k/N needs 1 <= k <= N (segments are numbered from 1)`, 'For example --segment 2/8 runs the second eighth; --segment 1/1 runs everything.');
    }
    return { kind: 'stripe', index: k - 1, count: n };
  }
  const parts = trimmed.split(':');
  if (parts.length === 2) {
    const from = parseBound(parts[0] ?? '', text);
    const to = parseBound(parts[1] ?? '', text);
    if (from.num * to.den >= to.num * from.den) {
      throw usage(`--segment ${text}: the start must be below the end`, 'For example --segment 0.25:0.5 (from 25 % to 50 %).');
    }
    if (from.num === 0 && to.num === to.den) return WHOLE_EXECUTION;
    return { kind: 'range', from, to };
  }
  throw usage(
    `--segment ${text} is neither k/N nor a:b`,
    'Write --segment 2/8 (the 2nd of 8 equal parts) or --segment 0.25:0.5 (fractions, 1/3:2/3 and 25%:50% work too).',
  );
}

function parseBound(raw: string, whole: string): Fraction {
  const text = raw.trim();
  let fraction: Fraction | undefined;
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  const ratio = /^(\d+)\/(\d+)$/.exec(text);
  if (percent !== null) fraction = decimal(percent[1] ?? '', 100);
  else if (ratio !== null) fraction = reduce(Number(ratio[1]), Number(ratio[2]));
  else if (/^\d+(?:\.\d+)?$/.test(text)) fraction = decimal(text, 1);
  if (fraction === undefined || !validFraction(fraction)) {
    throw usage(
      `--segment ${whole}: "${text}" is not a fraction between 0 and 1`,
      'Each bound is a decimal (0.25), a fraction (1/3) or a percentage (25%), from 0 to 1.',
    );
  }
  return fraction;
}

/** A decimal string divided by `scale`, exactly (`0.125` -> 1/8). */
function decimal(text: string, scale: number): Fraction | undefined {
  const [whole = '', decimals = ''] = text.split('.');
  if (decimals.length > 8) return undefined;
  const den = 10 ** decimals.length * scale;
  return reduce(Number(whole + decimals), den);
}

function reduce(num: number, den: number): Fraction | undefined {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || den < 1) return undefined;
  let a = num;
  let b = den;
  while (b !== 0) [a, b] = [b, a % b];
  const divisor = a || 1;
  return { num: num / divisor, den: den / divisor };
}

function validFraction(value: Fraction): boolean {
  return (
    Number.isSafeInteger(value.num) &&
    Number.isSafeInteger(value.den) &&
    value.den >= 1 &&
    value.den <= MAX_DENOMINATOR &&
    value.num >= 0 &&
    value.num <= value.den
  );
}

function fractionText(value: Fraction): string {
  if (value.num === 0) return '0';
  if (value.num === value.den) return '1';
  return `${value.num}/${value.den}`;
}

function usage(message: string, hint: string): PacsLoadError {
  return new PacsLoadError('ERR_USAGE', message, { hint });
}
