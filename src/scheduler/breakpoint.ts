/**
 * The `breakpoint` executor's schedule (issue 7, item 2; open model, docs/architecture.md
 * section 3 point 1): step k holds the rate startRate + k x stepRate for
 * stepDurationUs, for every k whose rate is at most maxRate. Each step is a
 * constant-arrival-rate schedule (exact, see constant-arrival-rate.ts) shifted
 * to the step's start, its arrivals numbered after the previous steps', so the
 * global index -> time mapping is a function of the index alone and striping
 * over workers works as for the other arrival-rate executors.
 *
 * The stop decision is not made here: the coordinator judges each completed
 * step (breakpoint-verdict.ts) and stops the workers.
 */
import type { Breakpoint } from '../profile/types.js';
import { constantArrivalRateSchedule } from './constant-arrival-rate.js';
import { indexOutOfRange, requireCount, requireRate } from './spec-checks.js';
import type { ArrivalSchedule } from './types.js';

/** One step of the ramp, relative to the scenario start. */
export interface BreakpointStep {
  index: number;
  ratePerSec: number;
  startUs: number;
  endUs: number;
  /** Planned arrivals of the step. */
  arrivals: number;
}

/** Tolerance for rates built by repeated float addition (10 + 0.1 x k). */
const RATE_EPSILON = 1e-9;

/** The steps of a breakpoint ramp, in order; at least one when maxRate >= startRate. */
export function breakpointSteps(spec: Breakpoint): BreakpointStep[] {
  requireRate(spec.startRatePerSec, 'startRatePerSec');
  requireRate(spec.stepRatePerSec, 'stepRatePerSec');
  requireRate(spec.maxRatePerSec, 'maxRatePerSec');
  requireCount(spec.stepDurationUs, 'stepDurationUs');
  const steps: BreakpointStep[] = [];
  if (!(spec.stepRatePerSec > 0)) {
    // No increase: one step at the start rate.
    return [stepAt(0, spec.startRatePerSec, spec.stepDurationUs)];
  }
  for (let k = 0; ; k++) {
    // Multiply, do not accumulate: step 100 is exactly start + 100 x step.
    const ratePerSec = Number((spec.startRatePerSec + k * spec.stepRatePerSec).toPrecision(12));
    if (ratePerSec > spec.maxRatePerSec * (1 + RATE_EPSILON)) break;
    steps.push(stepAt(k, ratePerSec, spec.stepDurationUs));
  }
  return steps;
}

function stepAt(index: number, ratePerSec: number, stepDurationUs: number): BreakpointStep {
  const startUs = index * stepDurationUs;
  const arrivals = ratePerSec === 0 ? 0 : constantArrivalRateSchedule({ type: 'constant-arrival-rate', ratePerSec, durationUs: stepDurationUs, maxInFlight: 1 }).totalArrivals;
  return { index, ratePerSec, startUs, endUs: startUs + stepDurationUs, arrivals };
}

/** The whole ramp's arrivals (all workers together). */
export function breakpointSchedule(spec: Breakpoint): ArrivalSchedule {
  const steps = breakpointSteps(spec);
  const schedules = steps.map((step) =>
    constantArrivalRateSchedule({ type: 'constant-arrival-rate', ratePerSec: step.ratePerSec, durationUs: spec.stepDurationUs, maxInFlight: 1 }),
  );
  // firstIndex[k]: global index of step k's first arrival.
  const firstIndex: number[] = [];
  let total = 0;
  for (const schedule of schedules) {
    firstIndex.push(total);
    total += schedule.totalArrivals;
  }
  const totalArrivals = total;
  return {
    durationUs: steps.length * spec.stepDurationUs,
    totalArrivals,
    arrivalTimeUs(index: number): number {
      if (!(index >= 0 && index < totalArrivals && Number.isInteger(index))) return indexOutOfRange(index, totalArrivals);
      // The last step whose first index is <= index (binary search).
      let low = 0;
      let high = firstIndex.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if ((firstIndex[middle] as number) <= index) low = middle;
        else high = middle - 1;
      }
      // Steps with no arrivals share a first index with the next one; take the one that has this arrival.
      while ((schedules[low] as ArrivalSchedule).totalArrivals === 0) low++;
      return low * spec.stepDurationUs + (schedules[low] as ArrivalSchedule).arrivalTimeUs(index - (firstIndex[low] as number));
    },
  };
}
