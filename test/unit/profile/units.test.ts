import { describe, expect, it } from 'vitest';
import { isPacsLoadError } from '../../../src/errors.js';
import {
  formatDurationUs,
  formatPercent,
  formatRatePerSec,
  parseDurationUs,
  parseRatePerSec,
  tryParseDurationUs,
  tryParsePercent,
  tryParseRatePerSec,
  tryParseShare,
  type UnitParse,
} from '../../../src/profile/units.js';

function failure(result: UnitParse): { message: string; fix: string } {
  if (result.ok) throw new Error(`expected a failure, got ${result.value}`);
  return result;
}

describe('tryParseDurationUs', () => {
  it.each([
    ['500ms', 500_000],
    ['30s', 30_000_000],
    ['5m', 300_000_000],
    ['1h', 3_600_000_000],
    ['1m30s', 90_000_000],
    ['1h30m', 5_400_000_000],
    ['1.5s', 1_500_000],
    ['.5s', 500_000],
    ['250us', 250],
    ['250µs', 250],
    ['0s', 0],
    ['0ms', 0],
    [' 2m ', 120_000_000],
    ['1m 30s', 90_000_000],
  ])('parses %s into %d microseconds', (text, expectedUs) => {
    expect(tryParseDurationUs(text)).toEqual({ ok: true, value: expectedUs });
  });

  it('returns integer microseconds, rounding sub-microsecond parts', () => {
    const result = tryParseDurationUs('1.0004ms');
    expect(result).toEqual({ ok: true, value: 1000 });
  });

  it('requires a unit and says so', () => {
    const result = failure(tryParseDurationUs('30'));
    expect(result.message).toBe('`30` has no unit');
    expect(result.fix).toContain('`30s`');
  });

  it('rejects a number without a unit inside a compound duration', () => {
    expect(failure(tryParseDurationUs('1m30')).message).toContain('without a unit');
  });

  it('suggests the accepted unit for common spellings', () => {
    const result = failure(tryParseDurationUs('5min'));
    expect(result.message).toContain('unknown unit `min`');
    expect(result.fix).toContain('`5m`');
    expect(failure(tryParseDurationUs('2d')).fix).toContain('24h');
  });

  it('treats units as case-sensitive and suggests the lower-case unit', () => {
    const result = failure(tryParseDurationUs('5S'));
    expect(result.message).toContain('unknown unit `S`');
    expect(result.fix).toContain('`5s`');
  });

  it('rejects unknown units without a suggestion', () => {
    const result = failure(tryParseDurationUs('5x'));
    expect(result.message).toContain('unknown unit `x`');
    expect(result.fix).toContain('ms, s, m or h');
  });

  it('rejects negative durations', () => {
    const result = failure(tryParseDurationUs('-5s'));
    expect(result.message).toContain('negative');
    expect(result.fix).toContain('`5s`');
  });

  it('rejects empty text and text that is not a duration', () => {
    expect(failure(tryParseDurationUs('')).message).toBe('the duration is empty');
    expect(failure(tryParseDurationUs('soon')).message).toBe('`soon` is not a duration');
  });
});

describe('tryParseRatePerSec', () => {
  it.each([
    ['40/s', 40],
    ['300/m', 5],
    ['1000/h', 1000 / 3600],
    ['0.2/s', 0.2],
    ['0/s', 0],
    [' 10 / s ', 10],
  ])('parses %s into %d per second', (text, expected) => {
    const result = tryParseRatePerSec(text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toBeCloseTo(expected, 12);
  });

  it('requires a time unit and says so', () => {
    const result = tryParseRatePerSec('40');
    expect(result).toEqual({ ok: false, message: '`40` has no unit', fix: expect.stringContaining('`40/s`') });
  });

  it('rejects negative rates', () => {
    const result = failure(tryParseRatePerSec('-5/s'));
    expect(result.message).toContain('negative');
    expect(result.fix).toContain('`5/s`');
  });

  it('rejects unknown units with a suggestion', () => {
    const result = failure(tryParseRatePerSec('10/min'));
    expect(result.message).toContain('unknown unit `min`');
    expect(result.fix).toContain('`10/m`');
  });

  it('rejects a missing unit after the slash and other text', () => {
    expect(failure(tryParseRatePerSec('10/')).message).toContain('no time unit');
    expect(failure(tryParseRatePerSec('fast')).message).toBe('`fast` is not a rate');
  });
});

describe('tryParsePercent', () => {
  it('parses percentages into fractions', () => {
    expect(tryParsePercent('1%')).toEqual({ ok: true, value: 0.01 });
    expect(tryParsePercent('0.1%')).toEqual({ ok: true, value: 0.001 });
    expect(tryParsePercent('100%')).toEqual({ ok: true, value: 1 });
  });

  it('requires the % sign, so 0.1 is never read as 10%', () => {
    const result = failure(tryParsePercent('0.1'));
    expect(result.message).toBe('`0.1` has no `%`');
    expect(result.fix).toContain('`0.1%`');
  });

  it('rejects values above 100%, negative values and other text', () => {
    expect(failure(tryParsePercent('150%')).message).toContain('more than 100%');
    expect(failure(tryParsePercent('-1%')).message).toContain('negative');
    expect(failure(tryParsePercent('some')).message).toContain('not a percentage');
  });
});

describe('tryParseShare (a profile\'s errorRate, simulate --error-rate)', () => {
  it('reads a number as a fraction and text as a percentage', () => {
    expect(tryParseShare(0.05)).toEqual({ ok: true, value: 0.05 });
    expect(tryParseShare('5%')).toEqual({ ok: true, value: 0.05 });
    expect(tryParseShare(0)).toEqual({ ok: true, value: 0 });
  });

  it('refuses a number outside 0..1, and text without %', () => {
    expect(failure(tryParseShare(5))).toMatchObject({ message: '5 is not a fraction from 0 to 1', fix: 'write a percentage, e.g. `5%`, or a fraction such as 0.01' });
    expect(failure(tryParseShare('0.05')).message).toBe('`0.05` has no `%`');
    expect(failure(tryParseShare(Number.NaN)).message).toBe('NaN is not a fraction from 0 to 1');
  });
});

describe('throwing parsers', () => {
  it('parseDurationUs and parseRatePerSec return values', () => {
    expect(parseDurationUs('2s')).toBe(2_000_000);
    expect(parseRatePerSec('120/m')).toBe(2);
  });

  it('throw PacsLoadError ERR_USAGE with the fix as hint', () => {
    try {
      parseDurationUs('30');
      expect.unreachable();
    } catch (error) {
      expect(isPacsLoadError(error)).toBe(true);
      if (isPacsLoadError(error)) {
        expect(error.code).toBe('ERR_USAGE');
        expect(error.message).toContain('has no unit');
        expect(error.hint).toContain('30s');
      }
    }
    expect(() => parseRatePerSec('fast')).toThrow(/not a rate/);
  });
});

describe('formatting', () => {
  it.each([
    [0, '0s'],
    [250, '250us'],
    [1_500, '1.5ms'],
    [500_000, '500ms'],
    [30_000_000, '30s'],
    [90_000_000, '1m30s'],
    [61_500_000, '61.5s'],
    [3_600_000_000, '1h'],
    [5_430_000_000, '1h30m30s'],
  ])('formats %d us as %s, which parses back', (us, text) => {
    expect(formatDurationUs(us)).toBe(text);
    expect(tryParseDurationUs(text)).toEqual({ ok: true, value: us });
  });

  it('formats rates and percentages', () => {
    expect(formatRatePerSec(40)).toBe('40/s');
    expect(formatRatePerSec(0.2)).toBe('0.2/s');
    expect(formatRatePerSec(1 / 60)).toBe('1/m');
    expect(formatRatePerSec(0)).toBe('0/s');
    expect(formatPercent(0.001)).toBe('0.1%');
    expect(formatPercent(0.3 * 0.1)).toBe('3%');
  });
});

describe('negative numbers without a unit', () => {
  it('suggest a positive value with a unit', () => {
    expect(failure(tryParseDurationUs('-5')).fix).toContain('`5s`');
    const rate = failure(tryParseRatePerSec('-5'));
    expect(rate.message).toBe('`-5` is negative and has no unit');
    expect(rate.fix).toContain('`5/s`');
  });
});
