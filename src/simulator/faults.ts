/**
 * Fault injection shared by the simulator's DIMSE and DICOMweb servers: added
 * latency and jitter, an error rate, one stall, and a concurrent-association limit.
 * The stall is measured from `start()`: every answer that would be sent during
 * the stall waits until it ends, as a PACS does during a garbage-collection pause
 * or a database lock, which is what the coordinated-omission test needs to see.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorFaults } from '../profile/types.js';

export class FaultInjector {
  readonly #faults: SimulatorFaults;
  readonly #random: () => number;
  #startedAtMs = performance.now();
  #associations = 0;

  /** `random` is injectable so tests can make the error rate deterministic. */
  constructor(faults: SimulatorFaults, random: () => number = Math.random) {
    this.#faults = faults;
    this.#random = random;
  }

  /**
   * Marks time zero for the stall: when the simulator starts listening, and again
   * at the run's time zero when a run embeds the simulator, so `stallAt` means
   * "this long into the load" whatever the start-up took. `atMs` is a
   * performance.now() value of this thread (default: now).
   */
  start(atMs: number = performance.now()): void {
    this.#startedAtMs = atMs;
  }

  /** Waits as long as the configured latency, jitter and (if active) stall say. */
  async delayAnswer(): Promise<void> {
    const { latencyUs, jitterUs, stall } = this.#faults;
    let waitMs = (latencyUs + Math.floor(this.#random() * jitterUs)) / 1000;
    if (stall !== undefined) {
      const elapsedMs = performance.now() - this.#startedAtMs;
      const stallStartMs = stall.atUs / 1000;
      const stallEndMs = stallStartMs + stall.durationUs / 1000;
      // An answer due inside the stall window is held until the window closes.
      const dueMs = elapsedMs + waitMs;
      if (dueMs >= stallStartMs && elapsedMs < stallEndMs) waitMs = Math.max(waitMs, stallEndMs - elapsedMs);
    }
    if (waitMs > 0) await sleep(waitMs);
  }

  /** True when this request should be answered with a failure. */
  shouldFail(): boolean {
    return this.#faults.errorRate > 0 && this.#random() < this.#faults.errorRate;
  }

  /**
   * True when this HTTP request should be answered 429 Too Many Requests (RFC 6585
   * section 4), as a rate-limiting gateway in front of a PACS does.
   */
  shouldThrottle(): boolean {
    const rate = this.#faults.throttleRate ?? 0;
    return rate > 0 && this.#random() < rate;
  }

  /**
   * Counts a new association; false when the limit is reached and it must be
   * rejected (PS3.8 section 9.3.4: rejected-transient, service-provider
   * presentation-related, local-limit-exceeded). Pair every true with `releaseAssociation()`.
   */
  tryAcceptAssociation(): boolean {
    const limit = this.#faults.maxAssociations;
    if (limit > 0 && this.#associations >= limit) return false;
    this.#associations++;
    return true;
  }

  releaseAssociation(): void {
    if (this.#associations > 0) this.#associations--;
  }

  get activeAssociations(): number {
    return this.#associations;
  }
}

export const NO_FAULTS: SimulatorFaults = {
  latencyUs: 0,
  jitterUs: 0,
  errorRate: 0,
  stall: undefined,
  maxAssociations: 0,
};
