import { describe, expect, it } from 'vitest';
import { PacsLoadError } from '../../../src/errors.js';
import {
  iterationIndices,
  iterationUsersShare,
  iterationsSchedule,
  iterationsShare,
} from '../../../src/scheduler/iterations.js';
import type { Iterations } from '../../../src/profile/types.js';

const spec = (iterations: number, users: number): Iterations => ({ type: 'iterations', iterations, users, maxDurationUs: 60_000_000 });
const segmentsOf = (count: number) => Array.from({ length: count }, (_, index) => ({ index, count }));

describe('iterations', () => {
  it('splits 10 iterations over 3 workers as 4 + 3 + 3', () => {
    const s = spec(10, 5);
    expect(segmentsOf(3).map((segment) => iterationsShare(s, segment))).toEqual([4, 3, 3]);
    expect(segmentsOf(3).map((segment) => [...iterationIndices(s, segment)])).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    expect(segmentsOf(3).map((segment) => iterationUsersShare(s, segment))).toEqual([2, 2, 1]);
  });

  it('gives iterations only to workers that run a user when users < workers', () => {
    const s = spec(10, 2);
    expect(segmentsOf(7).map((segment) => iterationUsersShare(s, segment))).toEqual([1, 1, 0, 0, 0, 0, 0]);
    expect(segmentsOf(7).map((segment) => iterationsShare(s, segment))).toEqual([5, 5, 0, 0, 0, 0, 0]);
    expect([...iterationIndices(s, { index: 1, count: 7 })]).toEqual([1, 3, 5, 7, 9]);
    expect([...iterationIndices(s, { index: 4, count: 7 })]).toEqual([]);
  });

  it('loses and duplicates nothing for any iterations, users and workers', () => {
    for (const count of [1, 2, 3, 7]) {
      for (const users of [1, 2, 3, 5, 8]) {
        for (const iterations of [0, 1, 2, 9, 10, 11, 100]) {
          const s = spec(iterations, users);
          const all = segmentsOf(count).flatMap((segment) => [...iterationIndices(s, segment)]);
          expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: iterations }, (_, i) => i));
          const shares = segmentsOf(count).map((segment) => iterationsShare(s, segment));
          expect(shares.reduce((sum, share) => sum + share, 0)).toBe(iterations);
          segmentsOf(count).forEach((segment, k) => {
            // A worker without users gets no iterations.
            if (iterationUsersShare(s, segment) === 0) expect(shares[k]).toBe(0);
          });
        }
      }
    }
  });

  it('wants all users until maxDuration', () => {
    const schedule = iterationsSchedule(spec(100, 4));
    expect(schedule.durationUs).toBe(60_000_000);
    expect([0, 59_999_999, 60_000_000].map((t) => schedule.usersAt(t))).toEqual([4, 4, 0]);
  });

  it('rejects iterations without users', () => {
    expect(() => iterationsSchedule(spec(10, 0))).toThrow(PacsLoadError);
    expect(() => iterationsShare(spec(10, 0), { index: 0, count: 1 })).toThrow(PacsLoadError);
  });
});
