/**
 * The scheduler's only source of time. Drivers take a `Clock` instead of calling
 * timers, so tests drive them with `FakeClock` (fake-clock.ts) and every worker
 * thread of a run shares one time zero with `systemClock(runEpochMs)`.
 */

export interface Clock {
  /** Integer microseconds since the clock's time zero; never decreases. */
  nowUs(): number;
  /**
   * Resolves once `nowUs() >= us` (never earlier), or as soon as `signal` aborts,
   * whichever comes first. Never rejects; a caller that passes a signal checks
   * `signal.aborted` afterwards. Resolves at once when `us` has already passed.
   */
  sleepUntilUs(us: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock, with time zero at `epochMs` on the wall-clock scale that
 * `performance.timeOrigin + performance.now()` gives in every thread (the
 * `runEpochMs` of the worker task). It is monotonic: `performance.now()` is, and
 * the offset is fixed when the clock is made.
 *
 * Timers have millisecond granularity and may fire before the requested time, so
 * `sleepUntilUs` rounds the wait up and sleeps again until the target has truly
 * passed: waking early is never allowed; waking up to about a millisecond late is
 * (an open-model driver starts every arrival that is due when it wakes).
 */
export function systemClock(epochMs: number): Clock {
  // Subtracting first keeps the sum small, so the double has sub-microsecond resolution.
  const offsetMs = performance.timeOrigin - epochMs;
  const nowUs = (): number => Math.round((offsetMs + performance.now()) * 1000);
  return {
    nowUs,
    async sleepUntilUs(us: number, signal?: AbortSignal): Promise<void> {
      for (;;) {
        if (signal?.aborted === true) return;
        const remainingUs = us - nowUs();
        if (remainingUs <= 0) return;
        await delayMs(Math.ceil(remainingUs / 1000), signal);
      }
    },
  };
}

/** Waits `ms` milliseconds, or until `signal` aborts; never rejects. */
function delayMs(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
