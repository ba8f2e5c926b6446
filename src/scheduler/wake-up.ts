/**
 * A sleep on a `Clock` that ends at a time, when an outside signal aborts, or when
 * the driver itself calls `wake()` (an operation settled, the last user left).
 * A `wake()` that comes while nobody sleeps ends the next sleep at once, so no
 * wake-up is lost between checking a condition and going to sleep.
 */
import type { Clock } from './clock.js';

export class WakeUp {
  #controller = new AbortController();

  /** Ends the current sleep, or the next one if none is in progress. */
  wake(): void {
    this.#controller.abort();
  }

  /** Sleeps until `us` on `clock`, until `signal` aborts, or until `wake()`. Never rejects. */
  async sleepUntil(clock: Clock, us: number, signal?: AbortSignal): Promise<void> {
    const controller = this.#controller;
    const onAbort = (): void => controller.abort();
    if (signal?.aborted === true) controller.abort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await clock.sleepUntilUs(us, controller.signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (controller.signal.aborted && this.#controller === controller) this.#controller = new AbortController();
    }
  }
}
