/**
 * FaultInjector's fault matrix draws (drawFault, injectedCounts,
 * dripBytesPerSec) and the periodic stall (stall.everyUs).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DRIP_DEFAULT_BYTES_PER_SEC, FAULT_KINDS, FAULT_POINTS, FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import type { SimulatorFaults } from '../../../src/profile/types.js';

/** A random source that returns these numbers in turn. */
function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
}

function injector(faults: Partial<SimulatorFaults>, random?: () => number): FaultInjector {
  return new FaultInjector({ ...NO_FAULTS, ...faults }, random);
}

describe('FaultInjector.drawFault', () => {
  it('draws nothing and counts nothing without injected shares', () => {
    const faults = injector({}, () => 0);
    expect(faults.drawFault('association')).toBeUndefined();
    expect(faults.drawFault('dimse')).toBeUndefined();
    expect(faults.drawFault('http')).toBeUndefined();
    expect(faults.injectedCounts()).toEqual({});
  });

  it('picks a kind by cumulative shares, in FAULT_KINDS order, with one number per draw', () => {
    // abort comes before reset in FAULT_KINDS: abort is [0, 0.2), reset [0.2, 0.5).
    const faults = injector({ injected: { abort: 0.2, reset: 0.3 } }, sequence(0.1, 0.2, 0.49, 0.5, 0.99));
    expect([1, 2, 3, 4, 5].map(() => faults.drawFault('dimse'))).toEqual(['abort', 'reset', 'reset', undefined, undefined]);
    expect(faults.injectedCounts()).toEqual({ abort: 1, reset: 2 });
  });

  it('draws only the kinds of the point asked for (FAULT_POINTS)', () => {
    const faults = injector({ injected: { rejectPermanent: 0.5, abort: 0.5 } }, () => 0.7);
    // At an association only rejectPermanent (share 0.5) is drawn: 0.7 misses it.
    expect(faults.drawFault('association')).toBeUndefined();
    // At a DIMSE request only abort is drawn: 0.7 misses that too.
    expect(faults.drawFault('dimse')).toBeUndefined();
    expect(faults.drawFault('http')).toBeUndefined();
    const low = injector({ injected: { rejectPermanent: 0.5, abort: 0.5 } }, () => 0.3);
    expect(low.drawFault('association')).toBe('rejectPermanent');
    expect(low.drawFault('dimse')).toBe('abort');
    expect(low.drawFault('http')).toBeUndefined();
    expect(low.injectedCounts()).toEqual({ rejectPermanent: 1, abort: 1 });
  });

  it('draws a kind of two points at both (slowDrip and reset for DIMSE and HTTP)', () => {
    const faults = injector({ injected: { slowDrip: 1 } }, () => 0.99);
    expect(faults.drawFault('dimse')).toBe('slowDrip');
    expect(faults.drawFault('http')).toBe('slowDrip');
    expect(faults.drawFault('association')).toBeUndefined();
    expect(faults.injectedCounts()).toEqual({ slowDrip: 2 });
  });

  it('ignores zero and negative shares', () => {
    const faults = injector({ injected: { abort: 0, reset: -1, malformedPdu: 0.1 } }, () => 0.05);
    expect(faults.drawFault('dimse')).toBe('malformedPdu');
  });

  it('injects about the configured share over many draws', () => {
    const faults = injector({ injected: { abort: 0.25 } });
    let drawn = 0;
    for (let i = 0; i < 10_000; i++) if (faults.drawFault('dimse') === 'abort') drawn++;
    expect(drawn).toBe(faults.injectedCounts().abort);
    expect(drawn / 10_000).toBeGreaterThan(0.2);
    expect(drawn / 10_000).toBeLessThan(0.3);
  });

  it('draws no fault, and counts none, where the drawn kind does not apply to this answer', () => {
    // abort is [0, 0.2), reset [0.2, 0.5); abort does not apply, and its share stays "no fault".
    const faults = injector({ injected: { abort: 0.2, reset: 0.3 } }, sequence(0.1, 0.3));
    const notAbort = (kind: string): boolean => kind !== 'abort';
    expect(faults.drawFault('dimse', notAbort)).toBeUndefined();
    expect(faults.drawFault('dimse', notAbort)).toBe('reset');
    expect(faults.injectedCounts()).toEqual({ reset: 1 });
  });

  it('returns a copy of the counts', () => {
    const faults = injector({ injected: { abort: 1 } }, () => 0);
    faults.drawFault('dimse');
    const counts = faults.injectedCounts();
    counts.abort = 99;
    expect(faults.injectedCounts()).toEqual({ abort: 1 });
  });

  it('has a point for every kind', () => {
    for (const kind of FAULT_KINDS) expect(FAULT_POINTS[kind].length).toBeGreaterThan(0);
  });
});

describe('FaultInjector.forRequest', () => {
  it('is the injector itself for a request that drew no fault', () => {
    const faults = injector({ errorRate: 1 });
    expect(faults.forRequest(undefined).shouldFail()).toBe(true);
    expect(faults.errorRateFailures).toBe(1);
  });

  it('never fails, nor counts, a request that drew a fault (one fault per request)', async () => {
    const faults = injector({ errorRate: 1, latencyUs: 20_000 });
    const answer = faults.forRequest('abort');
    expect(answer.shouldFail()).toBe(false);
    expect(faults.errorRateFailures).toBe(0);
    // The delay still applies.
    const startMs = performance.now();
    await answer.delayAnswer();
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(15);
  });
});

describe('FaultInjector.dripBytesPerSec', () => {
  it('is the configured rate, else the default', () => {
    expect(injector({}).dripBytesPerSec).toBe(DRIP_DEFAULT_BYTES_PER_SEC);
    expect(injector({ dripBytesPerSec: 300 }).dripBytesPerSec).toBe(300);
  });
});

describe('FaultInjector periodic stall (stall.everyUs)', () => {
  /** 'stalled' when the answer is still held after 100 ms, else 'answered'. */
  async function answerState(faults: FaultInjector): Promise<{ state: 'stalled' | 'answered'; done: Promise<void> }> {
    const done = faults.delayAnswer();
    const state = await Promise.race([done.then(() => 'answered' as const), sleep(100).then(() => 'stalled' as const)]);
    return { state, done };
  }

  // Stalls of 1 s every 2 s from time zero: [0, 1), [2, 3), [4, 5), ...
  const periodic = { atUs: 0, durationUs: 1_000_000, everyUs: 2_000_000 };

  it('holds an answer inside a later period of the stall until that period ends', async () => {
    const faults = injector({ stall: periodic });
    // 4.7 s in: inside [4, 5), held for about 0.3 s.
    faults.start(performance.now() - 4_700);
    const { state, done } = await answerState(faults);
    expect(state).toBe('stalled');
    await done;
  });

  it('answers at once between periods', async () => {
    const faults = injector({ stall: periodic });
    // 5.5 s in: between [4, 5) and [6, 7).
    faults.start(performance.now() - 5_500);
    expect((await answerState(faults)).state).toBe('answered');
  });

  it('stalls once only without everyUs', async () => {
    const faults = injector({ stall: { atUs: 0, durationUs: 1_000_000 } });
    faults.start(performance.now() - 4_700);
    expect((await answerState(faults)).state).toBe('answered');
    const inside = injector({ stall: { atUs: 0, durationUs: 1_000_000 } });
    inside.start(performance.now() - 700);
    const { state, done } = await answerState(inside);
    expect(state).toBe('stalled');
    await done;
  });

  it('does not stall before the first period', async () => {
    const faults = injector({ stall: { atUs: 10_000_000, durationUs: 1_000_000, everyUs: 2_000_000 } });
    faults.start(performance.now() - 5_000);
    expect((await answerState(faults)).state).toBe('answered');
  });
});
