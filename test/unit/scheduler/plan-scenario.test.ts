import { describe, expect, it } from 'vitest';
import type { ExecutorSpec } from '../../../src/profile/types.js';
import { planScenario } from '../../../src/scheduler/index.js';
import type { ScenarioPlan } from '../../../src/scheduler/index.js';
import type { PlannedArrival } from '../../../src/scheduler/types.js';

const SEC = 1_000_000;
const WORKER_COUNTS = [1, 2, 3, 7];
const segmentsOf = (count: number) => Array.from({ length: count }, (_, index) => ({ index, count }));

const openExecutors: ExecutorSpec[] = [
  { type: 'constant-arrival-rate', ratePerSec: 33.3, durationUs: 10 * SEC, maxInFlight: 20 },
  { type: 'constant-arrival-rate', ratePerSec: 0.2, durationUs: 60 * SEC, maxInFlight: 1 },
  {
    type: 'ramping-arrival-rate',
    startRatePerSec: 0,
    stages: [
      { durationUs: 2 * SEC, targetPerSec: 5 },
      { durationUs: 5 * SEC, targetPerSec: 40 },
      { durationUs: 3 * SEC, targetPerSec: 0 },
    ],
    maxInFlight: 200,
  },
];

const closedExecutors: ExecutorSpec[] = [
  { type: 'constant-concurrency', users: 10, durationUs: 5 * SEC },
  { type: 'constant-concurrency', users: 2, durationUs: 5 * SEC },
  {
    type: 'ramping-concurrency',
    startUsers: 1,
    stages: [
      { durationUs: 3 * SEC, targetUsers: 17 },
      { durationUs: 2 * SEC, targetUsers: 0 },
    ],
  },
  { type: 'iterations', iterations: 10, users: 5, maxDurationUs: 60 * SEC },
  { type: 'iterations', iterations: 10, users: 2, maxDurationUs: 60 * SEC },
  { type: 'iterations', iterations: 7, users: 20, maxDurationUs: 60 * SEC },
];

function open(plan: ScenarioPlan) {
  if (plan.model !== 'open') throw new Error('expected an open-model plan');
  return plan;
}
function closed(plan: ScenarioPlan) {
  if (plan.model !== 'closed') throw new Error('expected a closed-model plan');
  return plan;
}

describe('planScenario splits every executor exactly', () => {
  for (const executor of openExecutors) {
    it(`${executor.type}: the union of all segments is the one-worker plan, same times`, () => {
      const whole = [...open(planScenario(executor, { index: 0, count: 1 })).plan];
      expect(whole.length).toBeGreaterThan(0);
      expect(whole.map((arrival) => arrival.index)).toEqual(whole.map((_, i) => i));
      for (const count of WORKER_COUNTS) {
        const plans = segmentsOf(count).map((segment) => open(planScenario(executor, segment)));
        const union: PlannedArrival[] = plans.flatMap((plan) => [...plan.plan]);
        union.sort((a, b) => a.index - b.index);
        expect(union).toEqual(whole);
        expect(plans.reduce((sum, plan) => sum + plan.plan.count, 0)).toBe(whole.length);
        for (const plan of plans) {
          const arrivals = [...plan.plan];
          expect(arrivals).toHaveLength(plan.plan.count);
          // In time order within a segment.
          for (let k = 1; k < arrivals.length; k += 1) {
            expect((arrivals[k] as PlannedArrival).intendedStartUs).toBeGreaterThanOrEqual((arrivals[k - 1] as PlannedArrival).intendedStartUs);
          }
          expect(plan.maxInFlight).toBeGreaterThanOrEqual(1);
          if ('maxInFlight' in executor) expect(plan.maxInFlight * count).toBeGreaterThanOrEqual(executor.maxInFlight);
        }
      }
    });
  }

  for (const executor of closedExecutors) {
    it(`${executor.type}: users and iterations of all segments add up to the whole`, () => {
      const whole = closed(planScenario(executor, { index: 0, count: 1 }));
      for (const count of WORKER_COUNTS) {
        const plans = segmentsOf(count).map((segment) => closed(planScenario(executor, segment)));
        for (let t = 0; t <= whole.durationUs; t += 250_000) {
          expect(plans.reduce((sum, plan) => sum + plan.usersAt(t), 0)).toBe(whole.usersAt(t));
        }
        expect(plans.every((plan) => plan.durationUs === whole.durationUs)).toBe(true);
        expect(plans.reduce((sum, plan) => sum + plan.maxUsers, 0)).toBe(whole.maxUsers);
        if (executor.type === 'iterations') {
          const indices = plans.flatMap((plan) => [...(plan.iterationIndices ?? [])]).sort((a, b) => a - b);
          expect(indices).toEqual(Array.from({ length: executor.iterations }, (_, i) => i));
          expect(plans.reduce((sum, plan) => sum + (plan.iterations ?? 0), 0)).toBe(executor.iterations);
          for (const plan of plans) {
            if (plan.maxUsers === 0) expect(plan.iterations).toBe(0);
          }
        } else {
          expect(plans.every((plan) => plan.iterationIndices === undefined)).toBe(true);
        }
      }
    });
  }

  it('gives each worker ceil(maxInFlight / count), at least 1', () => {
    const executor: ExecutorSpec = { type: 'constant-arrival-rate', ratePerSec: 10, durationUs: SEC, maxInFlight: 10 };
    expect(segmentsOf(3).map((segment) => open(planScenario(executor, segment)).maxInFlight)).toEqual([4, 4, 4]);
    const small: ExecutorSpec = { ...executor, maxInFlight: 2 };
    expect(segmentsOf(7).map((segment) => open(planScenario(small, segment)).maxInFlight)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });
});
