/**
 * How work is split between workers (DESIGN section 3, point 7).
 *
 * A worker owns segment `index` of `count` equal parts of every scenario. The split
 * is by striping, not by dividing and rounding: global item `i` (an arrival, an
 * iteration, a user) belongs to worker `i mod count`. Striping has two properties
 * that dividing does not:
 * - nothing is lost or duplicated: every item has exactly one owner, so 10
 *   iterations over 3 workers are 4 + 3 + 3 = 10 (autocannon divides and floors,
 *   and 10 over 3 becomes 9);
 * - every worker's share is spread evenly over the scenario's timeline, so an
 *   arrival-rate plan split over workers keeps each arrival at the same instant it
 *   has in the one-worker plan (k6's execution segments give the same guarantee).
 */
import { PacsLoadError } from '../errors.js';

/** Worker `index` (0-based) of `count` equal parts. */
export interface WorkerSegment {
  index: number;
  count: number;
}

/** The whole scenario, for a run with one worker. */
export const WHOLE_SEGMENT: WorkerSegment = Object.freeze({ index: 0, count: 1 });

/** Throws unless `count` is a positive integer and `index` an integer in [0, count). */
export function assertSegment(segment: WorkerSegment): void {
  const { index, count } = segment;
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new PacsLoadError('ERR_INTERNAL', `Invalid worker segment ${index} of ${count}.`, {
      hint: 'This is a bug in pacs-load: a worker segment needs an integer count >= 1 and 0 <= index < count.',
    });
  }
}

/** True when global item `i` belongs to this segment (`i mod count == index`). */
export function ownsIndex(segment: WorkerSegment, i: number): boolean {
  return i % segment.count === segment.index;
}

/**
 * How many of the items `0 .. total-1` this segment owns. Summed over the
 * segments `0 .. count-1` of one split, the shares equal `total` exactly.
 */
export function shareOfCount(total: number, segment: WorkerSegment): number {
  if (total <= segment.index) return 0;
  return Math.floor((total - 1 - segment.index) / segment.count) + 1;
}

/**
 * How many of `users` concurrent users this segment runs: user `u` runs on worker
 * `u mod count`, the same rule as for items, so the shares sum to `users` and,
 * when the global number grows by one, exactly one worker gains a user.
 */
export function shareOfUsers(users: number, segment: WorkerSegment): number {
  return shareOfCount(users, segment);
}

/**
 * The global indices this segment owns, ascending: `index, index + count, ...`,
 * below `total` (or without end when `total` is undefined). Re-iterable.
 */
export function ownedIndices(segment: WorkerSegment, total?: number): Iterable<number> {
  const limit = total ?? Number.POSITIVE_INFINITY;
  return {
    *[Symbol.iterator]() {
      for (let i = segment.index; i < limit; i += segment.count) yield i;
    },
  };
}
