/**
 * One worker's share of an arrival-rate scenario: the arrivals whose global index
 * it owns (index mod count, see segment.ts), each at the time it has in the whole
 * scenario's schedule. Because each time is a function of the global index alone,
 * the union of all segments' plans is exactly the one-worker plan.
 */
import type { WorkerSegment } from './segment.js';
import { assertSegment, ownedIndices, shareOfCount } from './segment.js';
import type { ArrivalPlan, ArrivalSchedule, PlannedArrival } from './types.js';

/** The arrivals of `schedule` that `segment` owns, in time order (re-iterable). */
export function segmentArrivalPlan(schedule: ArrivalSchedule, segment: WorkerSegment): ArrivalPlan {
  assertSegment(segment);
  const indices = ownedIndices(segment, schedule.totalArrivals);
  return {
    durationUs: schedule.durationUs,
    count: shareOfCount(schedule.totalArrivals, segment),
    *[Symbol.iterator](): Iterator<PlannedArrival> {
      for (const index of indices) yield { index, intendedStartUs: schedule.arrivalTimeUs(index) };
    },
  };
}
