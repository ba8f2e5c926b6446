/**
 * Counts a driver's operations in flight and tells when none is left. An operation
 * rejects only for a bug (operations return outcomes, src/operations/types.ts);
 * the first such error is kept so the driver can stop and report it instead of
 * leaving an unhandled rejection behind.
 */
import type { Clock } from './clock.js';
import { WakeUp } from './wake-up.js';
export class InFlight {
  #count = 0;
  #idleWaiters: Array<() => void> = [];
  #failure: { error: unknown } | undefined;

  get count(): number {
    return this.#count;
  }

  /** The first error an operation threw or rejected with, if any. */
  get failure(): { error: unknown } | undefined {
    return this.#failure;
  }

  /** Runs `operation`; the returned promise settles after the count went down and never rejects. */
  async run(operation: () => Promise<void>): Promise<void> {
    this.#count += 1;
    try {
      await operation();
    } catch (error) {
      this.#failure ??= { error };
    } finally {
      this.#count -= 1;
      if (this.#count === 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const wake of waiters) wake();
      }
    }
  }

  /** Resolves when no operation is in flight (at once if none is). */
  whenIdle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }
}

/**
 * Waits until nothing is in flight or `deadlineUs` passes on `clock`; returns how
 * many operations were still in flight then (the graceful stop of both drivers).
 */
export async function settleWithin(clock: Clock, inFlight: InFlight, deadlineUs: number): Promise<number> {
  if (inFlight.count > 0) {
    const wakeUp = new WakeUp();
    void inFlight.whenIdle().then(() => wakeUp.wake());
    await wakeUp.sleepUntil(clock, deadlineUs);
  }
  return inFlight.count;
}
