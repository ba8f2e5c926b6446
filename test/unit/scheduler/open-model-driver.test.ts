import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/scheduler/clock.js';
import { FakeClock } from '../../../src/scheduler/fake-clock.js';
import { runOpenModel } from '../../../src/scheduler/open-model-driver.js';
import type { OpenModelOptions } from '../../../src/scheduler/open-model-driver.js';
import { planScenario } from '../../../src/scheduler/index.js';
import type { PlannedArrival } from '../../../src/scheduler/types.js';

const MS = 1_000;

interface Started {
  index: number;
  intendedStartUs: number;
  actualStartUs: number;
}

/** A driver run on a FakeClock whose operations take `serviceUs` (or a per-index time). */
function harness(clock: FakeClock, serviceUs: number | ((index: number) => number)) {
  const started: Started[] = [];
  const dropped: PlannedArrival[] = [];
  let inFlight = 0;
  let maxSeenInFlight = 0;
  const startOperation = async (arrival: PlannedArrival): Promise<void> => {
    started.push({ ...arrival, actualStartUs: clock.nowUs() });
    inFlight += 1;
    maxSeenInFlight = Math.max(maxSeenInFlight, inFlight);
    const durationUs = typeof serviceUs === 'number' ? serviceUs : serviceUs(arrival.index);
    await clock.sleepUntilUs(clock.nowUs() + durationUs);
    inFlight -= 1;
  };
  return {
    started,
    dropped,
    get maxSeenInFlight() {
      return maxSeenInFlight;
    },
    options(overrides: Partial<OpenModelOptions> & Pick<OpenModelOptions, 'plan' | 'endUs'>): OpenModelOptions {
      return {
        clock,
        scenarioStartUs: 0,
        gracefulStopUs: 1_000 * MS,
        maxInFlight: 100,
        startOperation,
        onDropped: (arrival) => dropped.push(arrival),
        ...overrides,
      };
    },
  };
}

const every = (intervalUs: number, count: number): PlannedArrival[] =>
  Array.from({ length: count }, (_, index) => ({ index, intendedStartUs: index * intervalUs }));

describe('runOpenModel', () => {
  it('starts every arrival at its planned time when slots are free', async () => {
    const clock = new FakeClock(5_000 * MS);
    const h = harness(clock, 30 * MS);
    const run = runOpenModel(h.options({ plan: every(50 * MS, 20), scenarioStartUs: 5_000 * MS, endUs: 6_000 * MS }));
    await clock.advanceTo(8_000 * MS);
    expect(await run).toEqual({ started: 20, dropped: 0, timedOut: 0 });
    expect(h.started.map((s) => s.actualStartUs)).toEqual(every(50 * MS, 20).map((a) => 5_000 * MS + a.intendedStartUs));
    expect(h.started.every((s) => s.intendedStartUs === s.actualStartUs)).toBe(true);
  });

  it('queues an arrival when maxInFlight is reached and starts it later, timed from its intended start', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 25 * MS);
    const run = runOpenModel(h.options({ plan: every(10 * MS, 3), endUs: 100 * MS, maxInFlight: 1 }));
    await clock.advanceTo(200 * MS);
    expect(await run).toEqual({ started: 3, dropped: 0, timedOut: 0 });
    expect(h.started).toEqual([
      { index: 0, intendedStartUs: 0, actualStartUs: 0 },
      { index: 1, intendedStartUs: 10 * MS, actualStartUs: 25 * MS },
      { index: 2, intendedStartUs: 20 * MS, actualStartUs: 50 * MS },
    ]);
    expect(h.maxSeenInFlight).toBe(1);
  });

  it('drops arrivals still queued when the scenario ends', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 25 * MS);
    const run = runOpenModel(h.options({ plan: every(10 * MS, 3), endUs: 30 * MS, maxInFlight: 1 }));
    await clock.advanceTo(200 * MS);
    expect(await run).toEqual({ started: 2, dropped: 1, timedOut: 0 });
    expect(h.started.map((s) => [s.index, s.actualStartUs])).toEqual([
      [0, 0],
      [1, 25 * MS],
    ]);
    expect(h.dropped).toEqual([{ index: 2, intendedStartUs: 20 * MS }]);
  });

  it('counts every arrival of an overloaded run as started or dropped, never lost', async () => {
    const clock = new FakeClock();
    const h = harness(clock, (index) => (index % 3 === 0 ? 170 * MS : 40 * MS));
    const plan = planScenario({ type: 'constant-arrival-rate', ratePerSec: 50, durationUs: 2_000 * MS, maxInFlight: 3 }, { index: 0, count: 1 });
    if (plan.model !== 'open') throw new Error('open plan expected');
    const run = runOpenModel(h.options({ plan: plan.plan, endUs: plan.durationUs, maxInFlight: plan.maxInFlight }));
    await clock.advanceTo(5_000 * MS);
    const result = await run;
    expect(result.started + result.dropped).toBe(100);
    expect(result.dropped).toBeGreaterThan(0);
    expect(h.maxSeenInFlight).toBe(3);
    const seen = [...h.started.map((s) => s.index), ...h.dropped.map((d) => d.index)].sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Every operation keeps its planned time, and starts in FIFO order.
    for (const s of h.started) expect(s.intendedStartUs).toBe(s.index * 20 * MS);
    expect(h.started.map((s) => s.index)).toEqual([...h.started.map((s) => s.index)].sort((a, b) => a - b));
    expect(h.started.every((s) => s.actualStartUs < 2_000 * MS)).toBe(true);
  });

  it('reports operations still running when the graceful stop runs out', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 1_000 * MS);
    const run = runOpenModel(h.options({ plan: every(50 * MS, 2), endUs: 100 * MS, gracefulStopUs: 200 * MS }));
    let resolvedAtUs: number | undefined;
    void run.then(() => (resolvedAtUs = clock.nowUs()));
    await clock.advanceTo(2_000 * MS);
    expect(await run).toEqual({ started: 2, dropped: 0, timedOut: 2 });
    expect(resolvedAtUs).toBe(300 * MS);
  });

  it('returns as soon as everything settled within the graceful stop', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 150 * MS);
    const run = runOpenModel(h.options({ plan: every(50 * MS, 2), endUs: 100 * MS, gracefulStopUs: 200 * MS }));
    let resolvedAtUs: number | undefined;
    void run.then(() => (resolvedAtUs = clock.nowUs()));
    await clock.advanceTo(2_000 * MS);
    expect(await run).toEqual({ started: 2, dropped: 0, timedOut: 0 });
    expect(resolvedAtUs).toBe(200 * MS); // the second operation ends at 50 + 150 ms
    expect(clock.sleeperCount).toBe(0);
  });

  it('stops planning on abort: arrivals not yet due are not counted, queued ones are dropped', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 1_000 * MS);
    const controller = new AbortController();
    const run = runOpenModel(
      h.options({ plan: every(100 * MS, 100), endUs: 10_000 * MS, maxInFlight: 1, signal: controller.signal }),
    );
    await clock.advanceTo(350 * MS);
    controller.abort();
    await clock.advanceTo(20_000 * MS);
    expect(await run).toEqual({ started: 1, dropped: 3, timedOut: 0 });
    expect(h.dropped.map((d) => d.index)).toEqual([1, 2, 3]);
  });

  it('stops planning on abort and lets in-flight operations finish', async () => {
    const clock = new FakeClock();
    const h = harness(clock, 10 * MS);
    const controller = new AbortController();
    const run = runOpenModel(h.options({ plan: every(100 * MS, 100), endUs: 10_000 * MS, signal: controller.signal }));
    await clock.advanceTo(205 * MS);
    controller.abort();
    await clock.advanceTo(20_000 * MS);
    expect(await run).toEqual({ started: 3, dropped: 0, timedOut: 0 });
  });

  it('starts every due arrival on a late wake-up, so a late timer does not lower the rate', async () => {
    const fake = new FakeClock();
    // Every sleep ends 35 ms after its target, like an overloaded event loop.
    const lateClock: Clock = {
      nowUs: () => fake.nowUs(),
      sleepUntilUs: (us, signal) => fake.sleepUntilUs(us + 35 * MS, signal),
    };
    const started: Started[] = [];
    const run = runOpenModel({
      plan: every(10 * MS, 50),
      clock: lateClock,
      scenarioStartUs: 0,
      endUs: 500 * MS,
      gracefulStopUs: 0,
      maxInFlight: 1_000,
      startOperation: async (arrival) => {
        started.push({ ...arrival, actualStartUs: fake.nowUs() });
      },
      onDropped: () => {
        throw new Error('nothing should be dropped');
      },
    });
    await fake.advanceTo(2_000 * MS);
    expect(await run).toEqual({ started: 50, dropped: 0, timedOut: 0 });
    expect(started.map((s) => s.index)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(started.every((s) => s.intendedStartUs === s.index * 10 * MS)).toBe(true);
    // Batches: several arrivals start together at each late wake-up.
    expect(new Set(started.map((s) => s.actualStartUs)).size).toBeLessThan(50);
    expect(started.every((s) => s.actualStartUs >= s.intendedStartUs)).toBe(true);
  });

  it('rejects with the error of an operation that throws (a bug), after stopping', async () => {
    const clock = new FakeClock();
    const run = runOpenModel({
      plan: every(10 * MS, 10),
      clock,
      scenarioStartUs: 0,
      endUs: 1_000 * MS,
      gracefulStopUs: 0,
      maxInFlight: 5,
      startOperation: (arrival) => (arrival.index === 2 ? Promise.reject(new Error('bug')) : Promise.resolve()),
      onDropped: () => {},
    });
    const outcome = run.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await clock.advanceTo(2_000 * MS);
    expect(await outcome).toBe('bug');
  });

  it('refuses a maxInFlight below 1', async () => {
    const clock = new FakeClock();
    await expect(
      runOpenModel({
        plan: [],
        clock,
        scenarioStartUs: 0,
        endUs: 1,
        gracefulStopUs: 0,
        maxInFlight: 0,
        startOperation: async () => {},
        onDropped: () => {},
      }),
    ).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
  });
});
