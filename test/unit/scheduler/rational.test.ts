import { describe, expect, it } from 'vitest';
import { ceilDiv, floorDiv, toRational } from '../../../src/scheduler/rational.js';

describe('toRational', () => {
  it('recovers the written fraction of a decimal or per-minute rate', () => {
    expect(toRational(0.2)).toEqual({ num: 1n, den: 5n });
    expect(toRational(33.3)).toEqual({ num: 333n, den: 10n });
    expect(toRational(12.5)).toEqual({ num: 25n, den: 2n });
    expect(toRational(20 / 60)).toEqual({ num: 1n, den: 3n });
    expect(toRational(7 / 60)).toEqual({ num: 7n, den: 60n });
    expect(toRational(0.001)).toEqual({ num: 1n, den: 1000n });
    expect(toRational(40)).toEqual({ num: 40n, den: 1n });
    expect(toRational(0)).toEqual({ num: 0n, den: 1n });
  });

  it('falls back to the exact binary value when no small fraction matches', () => {
    const value = Math.PI / 1e5;
    const { num, den } = toRational(value);
    expect(Number(num) / Number(den)).toBe(value);
    expect(den & (den - 1n)).toBe(0n); // a power of two
  });

  it('always returns a fraction equal to the double', () => {
    for (const value of [0.1, 0.7, 1.1, 2.675, 1 / 7, 123.456, 1e-9, 99999.99999]) {
      const { num, den } = toRational(value);
      expect(Number(num) / Number(den)).toBe(value);
    }
  });
});

describe('floorDiv / ceilDiv', () => {
  it('round toward minus and plus infinity', () => {
    expect(floorDiv(7n, 2n)).toBe(3n);
    expect(floorDiv(-7n, 2n)).toBe(-4n);
    expect(ceilDiv(7n, 2n)).toBe(4n);
    expect(ceilDiv(6n, 2n)).toBe(3n);
    expect(ceilDiv(-7n, 2n)).toBe(-3n);
  });
});
