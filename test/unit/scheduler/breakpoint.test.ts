/** The breakpoint executor: the stepped schedule (pure) and the step verdict. */
import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, recordUs } from '../../../src/metrics/histogram.js';
import type { IntervalReport } from '../../../src/metrics/types.js';
import type { Breakpoint, ResolvedScenario } from '../../../src/profile/types.js';
import { isPacsLoadError } from '../../../src/errors.js';
import { parseProfileText } from '../../../src/profile/load.js';
import { breakpointSchedule, breakpointSteps, planScenario } from '../../../src/scheduler/index.js';
import { BreakpointJudge } from '../../../src/scheduler/breakpoint-verdict.js';

const SPEC: Breakpoint = {
  type: 'breakpoint',
  startRatePerSec: 10,
  stepRatePerSec: 10,
  stepDurationUs: 2_000_000,
  maxRatePerSec: 50,
  maxInFlight: 100,
  stopWhen: { p95Us: 500_000, errorRate: 0.01 },
};

describe('breakpoint schedule', () => {
  it('holds start, start + step, ... up to maxRate, each for stepDuration', () => {
    const steps = breakpointSteps(SPEC);
    expect(steps.map((step) => step.ratePerSec)).toEqual([10, 20, 30, 40, 50]);
    expect(steps.map((step) => step.arrivals)).toEqual([20, 40, 60, 80, 100]);
    expect(steps[4]).toMatchObject({ startUs: 8_000_000, endUs: 10_000_000 });
    // A max between steps: the last step is the last one not above it.
    expect(breakpointSteps({ ...SPEC, maxRatePerSec: 45 }).map((step) => step.ratePerSec)).toEqual([10, 20, 30, 40]);
    // Decimal steps do not accumulate float error: 0.1 x 10 steps ends at exactly 1.1.
    expect(breakpointSteps({ ...SPEC, startRatePerSec: 0.1, stepRatePerSec: 0.1, maxRatePerSec: 1.1 }).at(-1)?.ratePerSec).toBe(1.1);
  });

  it('places every arrival in its step at the step rate, and splits exactly over workers', () => {
    const schedule = breakpointSchedule(SPEC);
    expect(schedule.totalArrivals).toBe(300);
    expect(schedule.durationUs).toBe(10_000_000);
    // Step 2 (30/s) starts at arrival 60, at 4 s, spaced 33,333 µs.
    expect(schedule.arrivalTimeUs(60)).toBe(4_000_000);
    expect(schedule.arrivalTimeUs(61)).toBe(4_033_333);
    expect(schedule.arrivalTimeUs(299)).toBe(8_000_000 + 99 * 20_000);
    let previous = -1;
    for (let i = 0; i < schedule.totalArrivals; i++) {
      const time = schedule.arrivalTimeUs(i);
      expect(time).toBeGreaterThanOrEqual(previous);
      previous = time;
    }
    const owned = [0, 1, 2].flatMap((index) => {
      const plan = planScenario(SPEC, { index, count: 3 });
      if (plan.model !== 'open') throw new Error('breakpoint is an open-model executor');
      return [...plan.plan].map((arrival) => arrival.index);
    });
    expect(owned.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('validates in a profile, and rejects a maxRate below startRate and an empty stopWhen', () => {
    const base = (executor: string): string => `name: t\nscenarios:\n  ramp:\n    operation: dimse.echo\n${executor}`;
    const profile = parseProfileText(
      base('    executor: breakpoint\n    startRate: 10/s\n    stepRate: 5/s\n    stepDuration: 10s\n    maxRate: 200/s\n    maxInFlight: 50\n    stopWhen: { p95: 500ms, errors: 1%, dropped: 2% }\n'),
      't.yaml',
    );
    expect(profile.scenarios[0]?.executor).toEqual({
      type: 'breakpoint',
      startRatePerSec: 10,
      stepRatePerSec: 5,
      stepDurationUs: 10_000_000,
      maxRatePerSec: 200,
      maxInFlight: 50,
      stopWhen: { p95Us: 500_000, errorRate: 0.01, droppedRate: 0.02 },
    });
    expect(problemsOf(base('    executor: breakpoint\n    startRate: 10/s\n    stepRate: 5/s\n    stepDuration: 10s\n    maxRate: 5/s\n    stopWhen: { errors: 1% }\n'))).toMatch(/scenarios\.ramp\.maxRate: `maxRate` is below `startRate`/);
    expect(problemsOf(base('    executor: breakpoint\n    startRate: 10/s\n    stepRate: 5/s\n    stepDuration: 10s\n    maxRate: 50/s\n    stopWhen: {}\n'))).toContain('sets no limit');
    const missing = problemsOf(base('    executor: breakpoint\n    startRate: 10/s\n    stepRate: 5/s\n    maxRate: 50/s\n    stopWhen: { errors: 1 }\n'));
    expect(missing).toContain('needs `stepDuration`');
    expect(missing).toContain('has no `%`');
    const ramp = '    executor: breakpoint\n    startRate: 10/s\n    stepRate: 5/s\n    stepDuration: 10s\n    maxRate: 50/s\n    stopWhen: { errors: 1% }\n';
    expect(problemsOf(`${base(ramp)}  second:\n    operation: dimse.echo\n${ramp}`)).toContain('scenarios.second.executor: only one breakpoint scenario per profile');
  });
});

/** Every problem of an invalid profile as `path: message` lines. */
function problemsOf(text: string): string {
  try {
    parseProfileText(text, 't.yaml');
  } catch (error) {
    if (isPacsLoadError(error)) return error.problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
    throw error;
  }
  throw new Error('the profile was valid');
}

/** One 1 s interval of the ramp scenario with `completed` operations of `latencyUs`, `failed` of them failed. */
function interval(sequence: number, completed: number, failed: number, latencyUs: number): IntervalReport {
  const histogram = newHistogram();
  for (let i = 0; i < completed; i++) recordUs(histogram, latencyUs);
  const startUs = sequence * 1_000_000;
  return {
    sequence,
    startUs,
    endUs: startUs + 1_000_000,
    status: { elapsedUs: startUs + 1_000_000, opsPerSec: completed, p95Us: latencyUs, errors: failed, errorsTotal: 0, inFlight: 0, droppedTotal: 0 },
    series: [
      {
        point: { scenario: 'ramp', operation: 'dimse.echo', startUs, endUs: startUs + 1_000_000, completed, failed, outcomes: {}, dropped: 0, inFlight: 0, bytesSent: 0, bytesReceived: 0, response: undefined },
        histograms: { response: encodeHistogram(histogram) },
      },
    ],
  };
}

describe('BreakpointJudge', () => {
  const scenario: ResolvedScenario = {
    name: 'ramp',
    operation: 'dimse.echo',
    executor: SPEC,
    startAfterUs: 0,
    gracefulStopUs: 1_000_000,
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined },
  };

  it('judges each step when the next one starts and stops at the first failure, naming why', () => {
    const judge = new BreakpointJudge(scenario);
    // Steps of 2 s: 10/s and 20/s pass; 30/s has 10% errors.
    const stops = [
      interval(0, 10, 0, 5_000),
      interval(1, 10, 0, 5_000),
      interval(2, 20, 0, 8_000),
      interval(3, 20, 0, 8_000),
      interval(4, 30, 3, 9_000),
      interval(5, 30, 3, 9_000),
      interval(6, 40, 0, 9_000),
    ].map((report) => judge.add(report));
    // The failed step is known once the first interval of the next step completes.
    expect(stops).toEqual([false, false, false, false, false, false, true]);
    const verdict = judge.finish();
    expect(verdict.sustainableRatePerSec).toBe(20);
    expect(verdict.failedRatePerSec).toBe(30);
    expect(verdict.reason).toBe('errors 10% > 1% at 30/s');
    expect(verdict.steps.map((step) => step.passed)).toEqual([true, true, false]);
    expect(verdict.steps[1]).toMatchObject({ ratePerSec: 20, achievedPerSec: 20, errorRate: 0, passed: true });
    expect(verdict.steps[1]?.p95Us).toBeGreaterThanOrEqual(7_990);
  });

  it('fails a step on latency, and reports maxRate reached when nothing failed', () => {
    const slow = new BreakpointJudge(scenario);
    [interval(0, 10, 0, 900_000), interval(1, 10, 0, 900_000), interval(2, 20, 0, 1_000)].forEach((report) => slow.add(report));
    const verdict = slow.finish();
    expect(verdict.sustainableRatePerSec).toBeUndefined();
    expect(verdict.failedRatePerSec).toBe(10);
    expect(verdict.reason).toMatch(/^p95 9\d\d ms > 500 ms at 10\/s$/);

    const fine = new BreakpointJudge(scenario);
    for (let i = 0; i < 10; i++) fine.add(interval(i, 10 * (Math.floor(i / 2) + 1), 0, 1_000));
    const all = fine.finish();
    expect(all.steps).toHaveLength(5);
    expect(all.sustainableRatePerSec).toBe(50);
    expect(all.failedRatePerSec).toBeUndefined();
    expect(all.reason).toContain('maxRate 50/s reached');
  });
});
