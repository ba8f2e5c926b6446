/**
 * pacs-load executors as k6 scenario executors (issue 8, k6 export). The
 * models match: arrival-rate executors are open models in both tools,
 * concurrency executors closed ones.
 *
 *   constant-arrival-rate -> constant-arrival-rate (maxInFlight -> preAllocatedVUs = maxVUs)
 *   ramping-arrival-rate  -> ramping-arrival-rate  (one timeUnit for every stage)
 *   constant-concurrency  -> constant-vus
 *   ramping-concurrency   -> ramping-vus
 *   iterations            -> shared-iterations     (users -> vus)
 *   breakpoint            -> ramping-arrival-rate  (a 0s jump and a hold per step; no stopWhen)
 *
 * k6 rates are whole numbers per `timeUnit`, so a rate such as 33.3/s is
 * written 333 per 10s, exactly (the fractions of src/scheduler/rational.ts).
 */
import type { ExecutorSpec } from '../../profile/types.js';
import { breakpointSteps } from '../../scheduler/breakpoint.js';
import { gcd, toRational } from '../../scheduler/rational.js';

/** A k6 scenario as plain data (written into the script as a literal). */
export type K6Scenario = Record<string, unknown>;

/** Above this per-second denominator a rate is rounded to a whole number per second (k6 needs integers). */
const MAX_TIME_UNIT_SECONDS = 1_000_000n;

/** The k6 scenario for `executor`, running function `exec`. */
export function k6Scenario(executor: ExecutorSpec, exec: string, startAfterUs: number, gracefulStopUs: number): K6Scenario {
  const common = { exec, startTime: k6Duration(startAfterUs), gracefulStop: k6Duration(gracefulStopUs) };
  switch (executor.type) {
    case 'constant-arrival-rate': {
      const [rate] = wholeRates([executor.ratePerSec]);
      return {
        executor: 'constant-arrival-rate',
        rate: rate?.rates[0],
        timeUnit: rate?.timeUnit,
        duration: k6Duration(executor.durationUs),
        // pacs-load's in-flight limit is k6's VU pool: one VU per operation in flight.
        preAllocatedVUs: executor.maxInFlight,
        maxVUs: executor.maxInFlight,
        ...common,
      };
    }
    case 'ramping-arrival-rate': {
      const [rate] = wholeRates([executor.startRatePerSec, ...executor.stages.map((stage) => stage.targetPerSec)]);
      const rates = rate?.rates ?? [];
      return {
        executor: 'ramping-arrival-rate',
        startRate: rates[0],
        timeUnit: rate?.timeUnit,
        stages: executor.stages.map((stage, k) => ({ duration: k6Duration(stage.durationUs), target: rates[k + 1] })),
        preAllocatedVUs: executor.maxInFlight,
        maxVUs: executor.maxInFlight,
        ...common,
      };
    }
    case 'constant-concurrency':
      return { executor: 'constant-vus', vus: executor.users, duration: k6Duration(executor.durationUs), ...common };
    case 'ramping-concurrency':
      return {
        executor: 'ramping-vus',
        startVUs: executor.startUsers,
        stages: executor.stages.map((stage) => ({ duration: k6Duration(stage.durationUs), target: stage.targetUsers })),
        ...common,
      };
    case 'iterations':
      return {
        executor: 'shared-iterations',
        vus: executor.users,
        iterations: executor.iterations,
        maxDuration: k6Duration(executor.maxDurationUs),
        ...common,
      };
    case 'breakpoint': {
      // Each step is a jump (a 0s stage) to its rate, then held; k6 cannot judge
      // steps, so stopWhen is left out (the script's header says so).
      const steps = breakpointSteps(executor);
      const [rate] = wholeRates([executor.startRatePerSec, ...steps.map((step) => step.ratePerSec)]);
      const rates = rate?.rates ?? [];
      return {
        executor: 'ramping-arrival-rate',
        startRate: rates[0],
        timeUnit: rate?.timeUnit,
        stages: steps.flatMap((step, k) => [
          { duration: '0s', target: rates[k + 1] },
          { duration: k6Duration(step.endUs - step.startUs), target: rates[k + 1] },
        ]),
        preAllocatedVUs: executor.maxInFlight,
        maxVUs: executor.maxInFlight,
        ...common,
      };
    }
  }
}

/** A k6 duration string: whole milliseconds (k6's resolution for scenario timing). */
export function k6Duration(durationUs: number): string {
  const ms = Math.round(durationUs / 1000);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Rates per second as whole numbers per one common time unit (the least common denominator). */
function wholeRates(ratesPerSec: readonly number[]): Array<{ rates: number[]; timeUnit: string }> {
  const fractions = ratesPerSec.map(toRational);
  let den = 1n;
  for (const fraction of fractions) den = (den * fraction.den) / gcd(den, fraction.den);
  if (den > MAX_TIME_UNIT_SECONDS) {
    return [{ rates: ratesPerSec.map((rate) => Math.round(rate)), timeUnit: '1s' }];
  }
  return [{ rates: fractions.map((fraction) => Number((fraction.num * den) / fraction.den)), timeUnit: `${den}s` }];
}
