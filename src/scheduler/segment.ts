/**
 * How work is split between workers (docs/architecture.md section 3, point 7).
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
import type { ExecutionSegment } from './segment-execution.js';
import { assertExecutionSegment, executionCountBelow, executionIsEmpty, executionOwns } from './segment-execution.js';

/**
 * Worker `index` (0-based) of `count` equal parts. With `within` (this
 * instance's execution segment of a run split over machines, segment-execution.ts)
 * the worker stripes the items the instance owns, by their rank among them:
 * the instance's j-th item goes to worker j mod count. Without it the instance
 * owns everything and the rank is the global index.
 */
export interface WorkerSegment {
  index: number;
  count: number;
  within?: ExecutionSegment;
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
  if (segment.within !== undefined) assertExecutionSegment(segment.within);
}

/** True when global item `i` belongs to this segment (`rank mod count == index`, rank = i without `within`). */
export function ownsIndex(segment: WorkerSegment, i: number): boolean {
  const { within } = segment;
  if (within === undefined) return i % segment.count === segment.index;
  return executionOwns(within, i) && executionCountBelow(within, i) % segment.count === segment.index;
}

/**
 * How many of the items `0 .. total-1` this segment owns. Summed over the
 * segments `0 .. count-1` of one split, the shares equal `total` exactly.
 */
export function shareOfCount(total: number, segment: WorkerSegment): number {
  const owned = segment.within === undefined ? total : executionCountBelow(segment.within, total);
  if (owned <= segment.index) return 0;
  return Math.floor((owned - 1 - segment.index) / segment.count) + 1;
}

/**
 * This worker's part of a limit such as maxInFlight: the instance's share
 * (at least 1, or it could not run at all), then ceil(share / count), at least 1.
 * Limits are bounds, not work, so rounding up loses nothing.
 */
export function shareOfLimit(limit: number, segment: WorkerSegment): number {
  const instanceLimit = segment.within === undefined ? limit : Math.max(1, executionCountBelow(segment.within, limit));
  return Math.max(1, Math.ceil(instanceLimit / segment.count));
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
  const { within } = segment;
  // A stripe within a stripe is one global stripe: k of M, then w of W -> k + M w of M W.
  const stripe =
    within === undefined
      ? { index: segment.index, count: segment.count }
      : within.kind === 'stripe'
        ? { index: within.index + within.count * segment.index, count: within.count * segment.count }
        : undefined;
  if (stripe !== undefined) {
    return {
      *[Symbol.iterator]() {
        for (let i = stripe.index; i < limit; i += stripe.count) yield i;
      },
    };
  }
  const instance = within as ExecutionSegment;
  // An empty instance segment owns nothing: do not search for ever.
  if (executionIsEmpty(instance)) return [];
  return {
    *[Symbol.iterator]() {
      let rank = 0;
      for (let i = 0; i < limit; i++) {
        if (!executionOwns(instance, i)) continue;
        if (rank % segment.count === segment.index) yield i;
        rank++;
      }
    },
  };
}
