/**
 * What the executors produce. Every time is integer microseconds; a plan's times
 * are relative to the scenario's start, a driver's are absolute on its clock.
 */

/** One operation of the open model: its global index and when it is meant to start. */
export interface PlannedArrival {
  /** Global index in the scenario, unique across workers. */
  index: number;
  /** Intended start time (relative to the scenario start in a plan, absolute on the clock in a driver). */
  intendedStartUs: number;
}

/**
 * The whole scenario's arrivals for an arrival-rate executor (all workers together).
 * Arrival `i` is at `arrivalTimeUs(i)` for `0 <= i < totalArrivals`; the times are
 * non-decreasing in `i` and each is computed from `i` alone, so they do not drift
 * and do not depend on how the scenario is split.
 */
export interface ArrivalSchedule {
  durationUs: number;
  totalArrivals: number;
  /** Intended start of global arrival `index`, relative to the scenario start; `< durationUs`. */
  arrivalTimeUs(index: number): number;
}

/** One segment's arrivals, in time order; iterating it again starts from the beginning. */
export interface ArrivalPlan extends Iterable<PlannedArrival> {
  durationUs: number;
  /** How many arrivals this segment owns. */
  count: number;
}

/** The number of users of a concurrency executor over time (all workers together). */
export interface UserSchedule {
  durationUs: number;
  /** No more users than this are wanted at any time (a bound for sizing pools). */
  maxUsers: number;
  /** Users that should be active at `timeUs` (relative to the scenario start); 0 outside [0, durationUs). */
  usersAt(timeUs: number): number;
}

/** What a driver (open-model-driver.ts, closed-model-driver.ts) resolves with. */
export interface DriverResult {
  /** Operations started. */
  started: number;
  /** Operations counted but never started (docs/architecture.md section 3, point 1). */
  dropped: number;
  /** Operations still in flight when the graceful stop ran out. */
  timedOut: number;
}
