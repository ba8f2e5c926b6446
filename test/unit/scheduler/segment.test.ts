import { describe, expect, it } from 'vitest';
import { PacsLoadError } from '../../../src/errors.js';
import {
  WHOLE_SEGMENT,
  assertSegment,
  ownedIndices,
  ownsIndex,
  shareOfCount,
  shareOfUsers,
} from '../../../src/scheduler/segment.js';

const segmentsOf = (count: number) => Array.from({ length: count }, (_, index) => ({ index, count }));

describe('worker segments', () => {
  it('gives global item i to worker i mod count', () => {
    expect(ownsIndex({ index: 1, count: 3 }, 4)).toBe(true);
    expect(ownsIndex({ index: 1, count: 3 }, 5)).toBe(false);
    expect(ownsIndex(WHOLE_SEGMENT, 12345)).toBe(true);
  });

  it('splits 10 over 3 workers as 4 + 3 + 3 = 10, not 9', () => {
    expect(segmentsOf(3).map((segment) => shareOfCount(10, segment))).toEqual([4, 3, 3]);
  });

  it('loses and duplicates nothing for any total and worker count', () => {
    for (const count of [1, 2, 3, 7, 16]) {
      for (let total = 0; total <= 50; total += 1) {
        const shares = segmentsOf(count).map((segment) => shareOfCount(total, segment));
        expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
        const owned = segmentsOf(count).flatMap((segment) => [...ownedIndices(segment, total)]);
        expect(owned.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
        segmentsOf(count).forEach((segment, k) => expect([...ownedIndices(segment, total)]).toHaveLength(shares[k] as number));
      }
    }
  });

  it('gives users the same striping: one more user means exactly one worker gains one', () => {
    const segments = segmentsOf(3);
    for (let users = 0; users < 20; users += 1) {
      const before = segments.map((segment) => shareOfUsers(users, segment));
      const after = segments.map((segment) => shareOfUsers(users + 1, segment));
      const gains = after.map((share, k) => share - (before[k] as number));
      expect(gains.filter((gain) => gain === 1)).toHaveLength(1);
      expect(gains.filter((gain) => gain !== 0 && gain !== 1)).toHaveLength(0);
      expect(gains[users % 3]).toBe(1);
    }
    // Fewer users than workers: the first workers get one each, the rest none.
    expect(segmentsOf(7).map((segment) => shareOfUsers(2, segment))).toEqual([1, 1, 0, 0, 0, 0, 0]);
  });

  it('iterates owned indices without end when no total is given', () => {
    const first = [];
    for (const index of ownedIndices({ index: 2, count: 5 })) {
      if (first.length === 4) break;
      first.push(index);
    }
    expect(first).toEqual([2, 7, 12, 17]);
  });

  it('rejects impossible segments', () => {
    for (const segment of [{ index: 3, count: 3 }, { index: -1, count: 3 }, { index: 0, count: 0 }, { index: 0.5, count: 2 }]) {
      expect(() => assertSegment(segment)).toThrow(PacsLoadError);
    }
    expect(() => assertSegment({ index: 2, count: 3 })).not.toThrow();
  });
});
