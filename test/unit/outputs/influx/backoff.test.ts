import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF, retryAfterMs } from '../../../../src/outputs/influx/backoff.js';

describe('backoffDelayMs', () => {
  const settings = { initialDelayMs: 500, maxDelayMs: 10_000, factor: 2, jitter: 0.5 };

  it('doubles from the initial delay up to the cap (no jitter drawn)', () => {
    const none = (): number => 0;
    expect([1, 2, 3, 4, 5, 6, 10].map((retry) => backoffDelayMs(retry, settings, none))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('shortens each delay by up to the jitter share', () => {
    const almostOne = (): number => 0.999_999;
    expect(backoffDelayMs(1, settings, almostOne)).toBe(250);
    expect(backoffDelayMs(4, settings, () => 0.5)).toBe(3000);
    for (let retry = 1; retry < 12; retry++) {
      const delay = backoffDelayMs(retry, DEFAULT_BACKOFF);
      expect(delay).toBeGreaterThanOrEqual(Math.min(DEFAULT_BACKOFF.maxDelayMs, 500 * 2 ** (retry - 1)) / 2 - 1);
      expect(delay).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxDelayMs);
    }
  });

  it('spreads retries of several generators apart', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(3)));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, ignores the rest', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(['7'], now)).toBe(7000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
