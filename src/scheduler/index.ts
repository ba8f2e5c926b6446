/**
 * The scheduler (docs/architecture.md section 2): pure planning of when operations start, and
 * the two drivers that start them on an injected clock. `planScenario` turns one
 * scenario's executor and a worker's segment into what that worker runs; the
 * `model` field says which driver to call:
 *
 *   const plan = planScenario(scenario.executor, { index: workerIndex, count: workerCount });
 *   if (plan.model === 'open') await runOpenModel({ plan: plan.plan, maxInFlight: plan.maxInFlight, ... });
 *   else await runClosedModel({ usersAt: plan.usersAt, iterationIndices: plan.iterationIndices, segment, ... });
 */
import type { ExecutorSpec } from '../profile/types.js';
import { segmentArrivalPlan } from './arrival-plan.js';
import { constantArrivalRateSchedule } from './constant-arrival-rate.js';
import { breakpointSchedule } from './breakpoint.js';
import { constantConcurrencySchedule } from './constant-concurrency.js';
import { iterationIndices, iterationsSchedule, iterationsShare } from './iterations.js';
import { rampingArrivalRateSchedule } from './ramping-arrival-rate.js';
import { rampingConcurrencySchedule } from './ramping-concurrency.js';
import type { WorkerSegment } from './segment.js';
import { assertSegment, shareOfLimit, shareOfUsers } from './segment.js';
import { requireCount } from './spec-checks.js';
import type { ArrivalPlan, ArrivalSchedule, UserSchedule } from './types.js';

/** An arrival-rate scenario's share for one worker: run it with `runOpenModel`. */
export interface OpenScenarioPlan {
  model: 'open';
  /** This segment's arrivals, relative to the scenario start. */
  plan: ArrivalPlan;
  durationUs: number;
  /** This segment's in-flight limit: ceil(profile limit / worker count), at least 1 (segment.ts shareOfLimit). */
  maxInFlight: number;
}

/** A concurrency or iterations scenario's share for one worker: run it with `runClosedModel`. */
export interface ClosedScenarioPlan {
  model: 'closed';
  /** This segment's wanted users at a time relative to the scenario start. */
  usersAt: (timeUs: number) => number;
  /** This segment's largest number of users (for sizing connection pools). */
  maxUsers: number;
  /** The scenario's duration (for `iterations`, its maxDuration). */
  durationUs: number;
  /** `iterations` only: how many iterations this segment runs. */
  iterations?: number;
  /** `iterations` only: this segment's global iteration indices, ascending. */
  iterationIndices?: Iterable<number>;
}

export type ScenarioPlan = OpenScenarioPlan | ClosedScenarioPlan;

/** Plans one scenario for one worker. Throws ERR_PROFILE_INVALID for impossible executor numbers. */
export function planScenario(executor: ExecutorSpec, segment: WorkerSegment): ScenarioPlan {
  assertSegment(segment);
  switch (executor.type) {
    case 'constant-arrival-rate':
      return openPlan(constantArrivalRateSchedule(executor), executor.maxInFlight, segment);
    case 'ramping-arrival-rate':
      return openPlan(rampingArrivalRateSchedule(executor), executor.maxInFlight, segment);
    case 'constant-concurrency':
      return closedPlan(constantConcurrencySchedule(executor), segment);
    case 'ramping-concurrency':
      return closedPlan(rampingConcurrencySchedule(executor), segment);
    case 'iterations':
      return {
        ...closedPlan(iterationsSchedule(executor), segment),
        iterations: iterationsShare(executor, segment),
        iterationIndices: iterationIndices(executor, segment),
      };
    case 'breakpoint':
      return openPlan(breakpointSchedule(executor), executor.maxInFlight, segment);
  }
}

function openPlan(schedule: ArrivalSchedule, maxInFlight: number, segment: WorkerSegment): OpenScenarioPlan {
  requireCount(maxInFlight, 'maxInFlight');
  return {
    model: 'open',
    plan: segmentArrivalPlan(schedule, segment),
    durationUs: schedule.durationUs,
    // Ceil rather than striping: every worker needs at least one slot to run at all.
    maxInFlight: shareOfLimit(maxInFlight, segment),
  };
}

function closedPlan(schedule: UserSchedule, segment: WorkerSegment): ClosedScenarioPlan {
  return {
    model: 'closed',
    usersAt: (timeUs) => shareOfUsers(schedule.usersAt(timeUs), segment),
    maxUsers: shareOfUsers(schedule.maxUsers, segment),
    durationUs: schedule.durationUs,
  };
}

export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { WorkerSegment } from './segment.js';
export { WHOLE_SEGMENT, ownsIndex, ownedIndices, shareOfCount, shareOfLimit, shareOfUsers } from './segment.js';
export type { ExecutionSegment } from './segment-execution.js';
export { WHOLE_EXECUTION, describeExecutionSegment, executionCountBelow, executionOwns, parseExecutionSegment } from './segment-execution.js';
export type { ArrivalPlan, ArrivalSchedule, DriverResult, PlannedArrival, UserSchedule } from './types.js';
export type { OpenModelOptions } from './open-model-driver.js';
export { runOpenModel } from './open-model-driver.js';
export type { ClosedModelOptions } from './closed-model-driver.js';
export { runClosedModel } from './closed-model-driver.js';
export { segmentArrivalPlan } from './arrival-plan.js';
export { constantArrivalRateSchedule } from './constant-arrival-rate.js';
export { rampingArrivalRateSchedule } from './ramping-arrival-rate.js';
export { breakpointSchedule, breakpointSteps, type BreakpointStep } from './breakpoint.js';
export { constantConcurrencySchedule } from './constant-concurrency.js';
export { rampingConcurrencySchedule } from './ramping-concurrency.js';
export { iterationIndices, iterationUsersShare, iterationWorkerCount, iterationsSchedule, iterationsShare } from './iterations.js';
