import { describe, expect, it } from 'vitest';
import { runClosedModel } from '../../../src/scheduler/closed-model-driver.js';
import type { ClosedModelOptions } from '../../../src/scheduler/closed-model-driver.js';
import { FakeClock } from '../../../src/scheduler/fake-clock.js';
import { planScenario } from '../../../src/scheduler/index.js';
import type { PlannedArrival } from '../../../src/scheduler/types.js';

const MS = 1_000;

/** Operations that take `serviceUs` on the FakeClock, with a record of concurrency over time. */
function harness(clock: FakeClock, serviceUs: number) {
  const started: Array<PlannedArrival & { actualStartUs: number }> = [];
  const dropped: PlannedArrival[] = [];
  const state = { inFlight: 0, maxInFlight: 0 };
  const startOperation = async (arrival: PlannedArrival): Promise<void> => {
    started.push({ ...arrival, actualStartUs: clock.nowUs() });
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    await clock.sleepUntilUs(clock.nowUs() + serviceUs);
    state.inFlight -= 1;
  };
  const options = (overrides: Partial<ClosedModelOptions> & Pick<ClosedModelOptions, 'usersAt' | 'endUs'>): ClosedModelOptions => ({
    clock,
    scenarioStartUs: 0,
    gracefulStopUs: 1_000 * MS,
    startOperation,
    onDropped: (arrival) => dropped.push(arrival),
    ...overrides,
  });
  return { started, dropped, state, options };
}

describe('runClosedModel', () => {
  it('runs users concurrently, each starting its next operation when the previous one ends', async () => {
    const clock = new FakeClock(2_000 * MS);
    const h = harness(clock, 100 * MS);
    const run = runClosedModel(h.options({ usersAt: () => 3, scenarioStartUs: 2_000 * MS, endUs: 3_000 * MS }));
    await clock.advanceTo(2_050 * MS);
    expect(h.state.inFlight).toBe(3);
    await clock.advanceTo(10_000 * MS);
    expect(await run).toEqual({ started: 30, dropped: 0, timedOut: 0 });
    expect(h.state.maxInFlight).toBe(3);
    // Closed model: no queueing, so an operation starts when its user takes it.
    expect(h.started.every((s) => s.actualStartUs === s.intendedStartUs)).toBe(true);
    expect(new Set(h.started.map((s) => s.actualStartUs)).size).toBe(10); // 2000, 2100, ... 2900 ms
    expect(h.started.map((s) => s.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('numbers operations by striping so indices are unique across workers', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 100 * MS);
    const run = runClosedModel(h.options({ usersAt: () => 2, endUs: 300 * MS, segment: { index: 1, count: 3 } }));
    await clock.advanceTo(1_000 * MS);
    expect((await run).started).toBe(6);
    expect(h.started.map((s) => s.index)).toEqual([1, 4, 7, 10, 13, 16]);
  });

  it('adds users on a ramp up and lets surplus users finish their operation and leave', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 50 * MS);
    const usersAt = (timeUs: number) => (timeUs < 300 * MS ? 1 : timeUs < 600 * MS ? 3 : 1);
    const run = runClosedModel(h.options({ usersAt, endUs: 900 * MS }));
    const concurrencyAt = async (us: number) => {
      await clock.advanceTo(us);
      return h.state.inFlight;
    };
    expect(await concurrencyAt(150 * MS)).toBe(1);
    expect(await concurrencyAt(299 * MS)).toBe(1);
    expect(await concurrencyAt(325 * MS)).toBe(3); // added within the 100 ms re-check
    expect(await concurrencyAt(575 * MS)).toBe(3);
    expect(await concurrencyAt(675 * MS)).toBe(1); // the two extra users left after their operation
    expect(await concurrencyAt(875 * MS)).toBe(1);
    await clock.advanceTo(5_000 * MS);
    const result = await run;
    expect(result.dropped).toBe(0);
    expect(h.state.maxInFlight).toBe(3);
    // 6 + 6 operations for user 0 before and after, 3 users x 6 in the middle.
    expect(result.started).toBe(18 + 6 + 6);
  });

  it('follows a ramping-concurrency plan, split over workers', async () => {
    const executor = {
      type: 'ramping-concurrency' as const,
      startUsers: 0,
      stages: [
        { durationUs: 1_000 * MS, targetUsers: 10 },
        { durationUs: 1_000 * MS, targetUsers: 0 },
      ],
    };
    const clock = new FakeClock();
    let inFlight = 0;
    let peak = 0;
    const runs = [0, 1, 2].map((index) => {
      const plan = planScenario(executor, { index, count: 3 });
      if (plan.model !== 'closed') throw new Error('closed plan expected');
      return runClosedModel({
        clock,
        scenarioStartUs: 0,
        endUs: plan.durationUs,
        gracefulStopUs: 0,
        usersAt: plan.usersAt,
        segment: { index, count: 3 },
        startOperation: async () => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await clock.sleepUntilUs(clock.nowUs() + 20 * MS);
          inFlight -= 1;
        },
      });
    });
    await clock.advanceTo(505 * MS);
    expect(inFlight).toBe(5); // floor(10 * 0.5) over all workers
    await clock.advanceTo(1_005 * MS);
    expect(inFlight).toBe(10);
    await clock.advanceTo(1_705 * MS);
    expect(inFlight).toBe(3);
    await clock.advanceTo(3_000 * MS);
    await Promise.all(runs);
    expect(peak).toBe(10);
  });

  it('runs exactly N iterations shared by the users, then returns early', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 30 * MS);
    const plan = planScenario({ type: 'iterations', iterations: 10, users: 3, maxDurationUs: 10_000 * MS }, { index: 0, count: 1 });
    if (plan.model !== 'closed') throw new Error('closed plan expected');
    const run = runClosedModel(h.options({ usersAt: plan.usersAt, endUs: plan.durationUs, iterationIndices: plan.iterationIndices }));
    let resolvedAtUs: number | undefined;
    void run.then(() => (resolvedAtUs = clock.nowUs()));
    await clock.advanceTo(20_000 * MS);
    expect(await run).toEqual({ started: 10, dropped: 0, timedOut: 0 });
    expect(h.started.map((s) => s.index).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(h.state.maxInFlight).toBe(3);
    expect(resolvedAtUs).toBe(120 * MS); // 4 rounds of 30 ms
  });

  it('runs exactly N iterations over workers, also with fewer users than workers', async () => {
    for (const [iterations, users, workers] of [[10, 5, 3], [10, 2, 7], [11, 3, 2], [7, 20, 3]] as const) {
      const clock = new FakeClock();
      const seen: number[] = [];
      const executor = { type: 'iterations' as const, iterations, users, maxDurationUs: 60_000 * MS };
      const runs = Array.from({ length: workers }, (_, index) => {
        const plan = planScenario(executor, { index, count: workers });
        if (plan.model !== 'closed') throw new Error('closed plan expected');
        return runClosedModel({
          clock,
          scenarioStartUs: 0,
          endUs: plan.durationUs,
          gracefulStopUs: 0,
          usersAt: plan.usersAt,
          iterationIndices: plan.iterationIndices,
          startOperation: async (arrival) => {
            seen.push(arrival.index);
            await clock.sleepUntilUs(clock.nowUs() + 10 * MS);
          },
        });
      });
      await clock.advanceTo(100_000 * MS);
      const results = await Promise.all(runs);
      expect(results.reduce((sum, result) => sum + result.started, 0)).toBe(iterations);
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: iterations }, (_, i) => i));
    }
  });

  it('ends at once on a worker that owns no user of an iterations scenario', async () => {
    const clock = new FakeClock();
    const executor = { type: 'iterations' as const, iterations: 3, users: 1, maxDurationUs: 600_000 * MS };
    const settled: number[] = [];
    const runs = [0, 1].map((index) => {
      const plan = planScenario(executor, { index, count: 2 });
      if (plan.model !== 'closed') throw new Error('closed plan expected');
      return runClosedModel({
        clock,
        scenarioStartUs: 0,
        endUs: plan.durationUs,
        gracefulStopUs: 0,
        usersAt: plan.usersAt,
        iterationIndices: plan.iterationIndices,
        startOperation: () => clock.sleepUntilUs(clock.nowUs() + 10 * MS),
      }).then((result) => {
        settled.push(index);
        return result;
      });
    });
    // Three 10 ms iterations on worker 0; worker 1 has nothing to do.
    await clock.advanceTo(100 * MS);
    expect(settled.sort()).toEqual([0, 1]);
    const [owner, idle] = await Promise.all(runs);
    expect(owner).toEqual({ started: 3, dropped: 0, timedOut: 0 });
    expect(idle).toEqual({ started: 0, dropped: 0, timedOut: 0 });
  });

  it('drops the iterations not started by maxDuration', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 100 * MS);
    const run = runClosedModel(
      h.options({ usersAt: (t) => (t < 250 * MS ? 2 : 0), endUs: 250 * MS, iterationIndices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }),
    );
    await clock.advanceTo(5_000 * MS);
    expect(await run).toEqual({ started: 6, dropped: 4, timedOut: 0 });
    expect(h.dropped).toEqual([6, 7, 8, 9].map((index) => ({ index, intendedStartUs: 250 * MS })));
  });

  it('stops starting operations on abort and counts nothing as dropped', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 100 * MS);
    const controller = new AbortController();
    const run = runClosedModel(
      h.options({ usersAt: () => 2, endUs: 10_000 * MS, iterationIndices: Array.from({ length: 100 }, (_, i) => i), signal: controller.signal }),
    );
    await clock.advanceTo(150 * MS);
    controller.abort();
    await clock.advanceTo(5_000 * MS);
    expect(await run).toEqual({ started: 4, dropped: 0, timedOut: 0 });
  });

  it('reports operations still running when the graceful stop runs out', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 1_000 * MS);
    const run = runClosedModel(h.options({ usersAt: () => 2, endUs: 100 * MS, gracefulStopUs: 300 * MS }));
    let resolvedAtUs: number | undefined;
    void run.then(() => (resolvedAtUs = clock.nowUs()));
    await clock.advanceTo(5_000 * MS);
    expect(await run).toEqual({ started: 2, dropped: 0, timedOut: 2 });
    expect(resolvedAtUs).toBe(400 * MS);
  });

  it('rejects with the error of an operation that throws (a bug)', async () => {
    const clock = new FakeClock();
    let count = 0;
    const run = runClosedModel({
      clock,
      scenarioStartUs: 0,
      endUs: 1_000 * MS,
      gracefulStopUs: 0,
      usersAt: () => 1,
      startOperation: async () => {
        count += 1;
        await clock.sleepUntilUs(clock.nowUs() + MS);
        if (count === 3) throw new Error('bug');
      },
    });
    const outcome = run.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await clock.advanceTo(2_000 * MS);
    expect(await outcome).toBe('bug');
    expect(count).toBe(3);
  });
});
