/**
 * A manual clock for tests of anything that takes a `Clock` (the drivers here,
 * and the layers above them). Time moves only when the test calls `advanceTo` or
 * `advanceBy`; sleepers wake in time order, ties in the order they went to sleep,
 * and the woken code runs (and may go back to sleep) before time moves on.
 */
import type { Clock } from './clock.js';

interface Sleeper {
  atUs: number;
  sequence: number;
  wake: () => void;
}

export class FakeClock implements Clock {
  #nowUs: number;
  #sleepers: Sleeper[] = [];
  #sequence = 0;

  constructor(startUs = 0) {
    this.#nowUs = startUs;
  }

  nowUs(): number {
    return this.#nowUs;
  }

  sleepUntilUs(us: number, signal?: AbortSignal): Promise<void> {
    if (us <= this.#nowUs || signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        atUs: us,
        sequence: this.#sequence++,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#sleepers = this.#sleepers.filter((other) => other !== sleeper);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** How many sleepers are waiting. */
  get sleeperCount(): number {
    return this.#sleepers.length;
  }

  /** The earliest time a sleeper waits for, or undefined when none waits. */
  nextWakeUs(): number | undefined {
    return this.#next()?.atUs;
  }

  /**
   * Moves time forward to `us`, stopping at each sleeper's time on the way (time
   * equals that sleeper's target when it wakes), including sleepers that woken
   * code adds before `us`. Resolves when everything due by `us` has run.
   */
  async advanceTo(us: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.#next();
      if (next === undefined || next.atUs > us) break;
      this.#sleepers = this.#sleepers.filter((other) => other !== next);
      this.#nowUs = Math.max(this.#nowUs, next.atUs);
      next.wake();
      await settle();
    }
    this.#nowUs = Math.max(this.#nowUs, us);
    await settle();
  }

  /** `advanceTo(nowUs() + deltaUs)`. */
  advanceBy(deltaUs: number): Promise<void> {
    return this.advanceTo(this.#nowUs + deltaUs);
  }

  #next(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const sleeper of this.#sleepers) {
      if (best === undefined || sleeper.atUs < best.atUs || (sleeper.atUs === best.atUs && sleeper.sequence < best.sequence)) {
        best = sleeper;
      }
    }
    return best;
  }
}

/** Lets every pending promise callback run (setImmediate comes after the microtask queue). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
