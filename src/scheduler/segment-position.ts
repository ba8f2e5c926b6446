/**
 * The fixed position of global item `i` in [0, 1) for fractional execution
 * segments (`--segment 0.25:0.5`, see segment-execution.ts): the van der Corput
 * sequence in base 2, p(i) = the bits of i mirrored after the binary point
 * (0, 1/2, 1/4, 3/4, 1/8, 5/8, ...).
 *
 * Why this sequence: an item's position depends on `i` alone, never on how a
 * segment was written or which other segments exist, so ANY set of disjoint
 * segments that covers [0, 1) owns every item exactly once, with no
 * `--execution-segment-sequence` for the instances to agree on (k6 needs one).
 * It is low-discrepancy: the first n items are spread so evenly that a segment
 * of width w owns w * n of them give or take about log2(n), and those it owns
 * are spread evenly over the scenario's timeline. Every position is a dyadic
 * rational, so all comparisons below are exact integer arithmetic.
 */

/** A fraction num/den with integers 0 <= num <= den, den >= 1 (den below 2^50). */
export interface Fraction {
  num: number;
  den: number;
}

/** True when p(i) < x. Exact: walks the bits of `i`, doubling x each step (at most 53 steps). */
export function positionBelow(i: number, x: Fraction): boolean {
  let index = i;
  let num = x.num;
  const den = x.den;
  for (;;) {
    if (num <= 0) return false;
    if (num >= den) return true;
    // p(0) = 0 < x.
    if (index === 0) return true;
    if (index % 2 === 0) {
      // p(2j) = p(j) / 2.
      index /= 2;
      num *= 2;
    } else {
      // p(2j + 1) = 1/2 + p(j) / 2.
      index = (index - 1) / 2;
      num = 2 * num - den;
    }
  }
}

/** How many of the items 0 .. n-1 have p(i) < x, in O(log n) steps. */
export function countPositionsBelow(n: number, x: Fraction): number {
  let count = n;
  let num = x.num;
  const den = x.den;
  let total = 0;
  for (;;) {
    if (count === 0 || num <= 0) return total;
    if (num >= den) return total + count;
    const evens = Math.ceil(count / 2);
    if (2 * num <= den) {
      // x <= 1/2: odd items (p >= 1/2) never count; even item 2j counts when p(j) < 2x.
      count = evens;
      num *= 2;
    } else {
      // x > 1/2: every even item counts (p < 1/2); odd item 2j+1 counts when p(j) < 2x - 1.
      total += evens;
      count = Math.floor(count / 2);
      num = 2 * num - den;
    }
  }
}
