/**
 * Retry delays of the InfluxDB writer: exponential backoff with jitter, so a
 * database that comes back is not hit by every load generator of a
 * distributed run at the same instant.
 */

export interface BackoffSettings {
  /** Delay before the first retry, before jitter. */
  initialDelayMs: number;
  /** No delay exceeds this (jitter included). */
  maxDelayMs: number;
  /** Each retry waits this many times longer than the one before. */
  factor: number;
  /**
   * Share of the delay that is random, 0..1: the delay is drawn uniformly from
   * [base * (1 - jitter), base]. 0.5 is "equal jitter".
   */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { initialDelayMs: 500, maxDelayMs: 10_000, factor: 2, jitter: 0.5 };

/**
 * The delay before retry number `retry` (1 for the first retry) in whole
 * milliseconds: `min(maxDelayMs, initialDelayMs * factor^(retry-1))`, then
 * shortened by up to `jitter` of itself. `random` returns [0, 1) (Math.random
 * by default; tests pass a fixed one).
 */
export function backoffDelayMs(retry: number, settings: BackoffSettings = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, retry - 1);
  const baseMs = Math.min(settings.maxDelayMs, settings.initialDelayMs * settings.factor ** exponent);
  return Math.round(baseMs * (1 - settings.jitter * random()));
}

/**
 * The delay an HTTP `Retry-After` header asks for (RFC 9110 section 10.2.3:
 * delay-seconds or an HTTP date), in milliseconds, or undefined when absent or
 * unreadable. The caller caps it.
 */
export function retryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const dateMs = Date.parse(value);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}
