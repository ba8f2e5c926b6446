import { describe, expect, it } from 'vitest';
import { PacsLoadError } from '../../../src/errors.js';
import { constantConcurrencySchedule } from '../../../src/scheduler/constant-concurrency.js';
import { rampingConcurrencySchedule } from '../../../src/scheduler/ramping-concurrency.js';

const SEC = 1_000_000;

describe('constant-concurrency', () => {
  it('wants the same users for the whole duration and none outside it', () => {
    const s = constantConcurrencySchedule({ type: 'constant-concurrency', users: 60, durationUs: 7 * 60 * SEC });
    expect(s.durationUs).toBe(420 * SEC);
    expect(s.maxUsers).toBe(60);
    expect([0, 1, 419 * SEC, 420 * SEC - 1].map((t) => s.usersAt(t))).toEqual([60, 60, 60, 60]);
    expect([-1, 420 * SEC].map((t) => s.usersAt(t))).toEqual([0, 0]);
  });
});

describe('ramping-concurrency', () => {
  const s = rampingConcurrencySchedule({
    type: 'ramping-concurrency',
    startUsers: 0,
    stages: [
      { durationUs: 10 * SEC, targetUsers: 10 },
      { durationUs: 5 * SEC, targetUsers: 10 },
      { durationUs: 0, targetUsers: 30 },
      { durationUs: 4 * SEC, targetUsers: 2 },
    ],
  });

  it('interpolates linearly and floors', () => {
    expect(s.durationUs).toBe(19 * SEC);
    expect(s.usersAt(0)).toBe(0);
    expect(s.usersAt(999_999)).toBe(0);
    expect(s.usersAt(SEC)).toBe(1);
    expect(s.usersAt(5_500_000)).toBe(5);
    expect(s.usersAt(10 * SEC)).toBe(10);
    expect(s.usersAt(12 * SEC)).toBe(10);
  });

  it('jumps at a zero-length stage and floors on the way down', () => {
    expect(s.usersAt(15 * SEC - 1)).toBe(10);
    expect(s.usersAt(15 * SEC)).toBe(30); // the jump
    expect(s.usersAt(17 * SEC)).toBe(16); // 30 - 28 * 2/4
    expect(s.usersAt(19 * SEC - 1)).toBe(2); // 2.000007 floored
    expect(s.usersAt(19 * SEC)).toBe(0); // the scenario is over
    expect(s.maxUsers).toBe(30);
  });

  it('never wants a number outside the stage targets', () => {
    for (let t = 0; t < 19 * SEC; t += 12_345) {
      const users = s.usersAt(t);
      expect(Number.isInteger(users)).toBe(true);
      expect(users).toBeGreaterThanOrEqual(0);
      expect(users).toBeLessThanOrEqual(30);
    }
  });

  it('rejects fractional users', () => {
    expect(() =>
      rampingConcurrencySchedule({ type: 'ramping-concurrency', startUsers: 1.5, stages: [] }),
    ).toThrow(PacsLoadError);
  });
});
