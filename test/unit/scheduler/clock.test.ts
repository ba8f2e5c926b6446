import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/scheduler/clock.js';
import { FakeClock } from '../../../src/scheduler/fake-clock.js';

describe('systemClock', () => {
  it('counts integer microseconds from the epoch and never wakes early', async () => {
    const epochMs = performance.timeOrigin + performance.now();
    const clock = systemClock(epochMs);
    const start = clock.nowUs();
    expect(Number.isInteger(start)).toBe(true);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(start).toBeLessThan(1_000_000);
    for (const waitUs of [1, 700, 2_500, 10_000]) {
      const target = clock.nowUs() + waitUs;
      await clock.sleepUntilUs(target);
      expect(clock.nowUs()).toBeGreaterThanOrEqual(target);
    }
  });

  it('returns at once for a past time and early when the signal aborts', async () => {
    const clock = systemClock(performance.timeOrigin);
    await clock.sleepUntilUs(0);
    const controller = new AbortController();
    const target = clock.nowUs() + 60_000_000;
    const sleeping = clock.sleepUntilUs(target, controller.signal);
    controller.abort();
    await sleeping;
    expect(clock.nowUs()).toBeLessThan(target);
  });
});

describe('FakeClock', () => {
  it('wakes sleepers in time order, ties in the order they slept, with time at their target', async () => {
    const clock = new FakeClock(1_000);
    const woken: string[] = [];
    const sleep = (name: string, us: number) => clock.sleepUntilUs(us).then(() => woken.push(`${name}@${clock.nowUs()}`));
    void sleep('c', 3_000);
    void sleep('a', 2_000);
    void sleep('b', 3_000);
    void sleep('late', 9_000);
    expect(clock.sleeperCount).toBe(4);
    expect(clock.nextWakeUs()).toBe(2_000);
    await clock.advanceTo(5_000);
    expect(woken).toEqual(['a@2000', 'c@3000', 'b@3000']);
    expect(clock.nowUs()).toBe(5_000);
    await clock.advanceBy(4_000);
    expect(woken).toEqual(['a@2000', 'c@3000', 'b@3000', 'late@9000']);
  });

  it('lets woken code sleep again within the same advance', async () => {
    const clock = new FakeClock();
    const ticks: number[] = [];
    void (async () => {
      for (let k = 1; k <= 5; k += 1) {
        await clock.sleepUntilUs(k * 100);
        ticks.push(clock.nowUs());
      }
    })();
    await clock.advanceTo(350);
    expect(ticks).toEqual([100, 200, 300]);
  });

  it('resolves a past target at once and an aborted sleep without waiting', async () => {
    const clock = new FakeClock(500);
    await clock.sleepUntilUs(100);
    const controller = new AbortController();
    const sleeping = clock.sleepUntilUs(10_000, controller.signal);
    controller.abort();
    await sleeping;
    expect(clock.nowUs()).toBe(500);
    expect(clock.sleeperCount).toBe(0);
  });
});
