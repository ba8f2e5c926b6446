/**
 * Fault injection shared by the simulator's DIMSE and DICOMweb servers: added
 * latency and jitter, an error rate, one stall, and a concurrent-association limit.
 * The stall is measured from `start()`: every answer that would be sent during
 * the stall waits until it ends, as a PACS does during a garbage-collection pause
 * or a database lock, which is what the coordinated-omission test needs to see.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultKind, SimulatorFaults } from '../profile/types.js';

/** Where a fault is drawn: once per association, per DIMSE request, or per HTTP request. */
export type FaultPoint = 'association' | 'dimse' | 'http';

/** The point at which each fault kind is drawn (a kind may apply to two). */
export const FAULT_POINTS: Readonly<Record<FaultKind, readonly FaultPoint[]>> = {
  rejectPermanent: ['association'],
  rejectTransient: ['association'],
  abort: ['dimse'],
  closeMidPdu: ['dimse'],
  malformedPdu: ['dimse'],
  truncatedDataset: ['dimse'],
  wrongStatus: ['dimse'],
  unknownStatus: ['dimse'],
  slowDrip: ['dimse', 'http'],
  reset: ['dimse', 'http'],
  http500: ['http'],
  http503: ['http'],
  http429: ['http'],
  brokenMultipart: ['http'],
};

export const FAULT_KINDS = Object.keys(FAULT_POINTS) as FaultKind[];

/**
 * The Error Comment (0000,0902; PS3.7 Annex C) of a DIMSE failure the error
 * rate injects, as a PACS that explains its failures would send one.
 */
export const ERROR_RATE_COMMENT = 'simulated failure (simulator errorRate)';

/** Bytes per second of a slow-drip answer when `dripBytesPerSec` is not set. */
export const DRIP_DEFAULT_BYTES_PER_SEC = 2048;

/**
 * What the answer to one request needs of the injector: the delay, and the
 * error-rate draw (FaultInjector.forRequest).
 */
export interface AnswerFaults {
  delayAnswer(): Promise<void>;
  shouldFail(): boolean;
}

export class FaultInjector implements AnswerFaults {
  readonly #faults: SimulatorFaults;
  readonly #random: () => number;
  #startedAtMs = performance.now();
  #associations = 0;
  readonly #injectedCounts = new Map<FaultKind, number>();
  /** performance.now() before which no error, throttle or injected fault is drawn (`holdUntil`). */
  #heldUntilMs = 0;
  /** Answers the error rate failed (`shouldFail` true): the servers do not all count them (MPPS, DICOMweb). */
  errorRateFailures = 0;
  /** Answers the throttle rate turned into 429 (`shouldThrottle` true). */
  throttled = 0;

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
      let stallStartMs = stall.atUs / 1000;
      // A periodic stall: the window of the current period (the last one that has started).
      if (stall.everyUs !== undefined && stall.everyUs > 0 && elapsedMs > stallStartMs) {
        const everyMs = stall.everyUs / 1000;
        stallStartMs += Math.floor((elapsedMs - stallStartMs) / everyMs) * everyMs;
      }
      const stallEndMs = stallStartMs + stall.durationUs / 1000;
      // An answer due inside the stall window is held until the window closes.
      const dueMs = elapsedMs + waitMs;
      if (dueMs >= stallStartMs && elapsedMs < stallEndMs) waitMs = Math.max(waitMs, stallEndMs - elapsedMs);
    }
    if (waitMs > 0) await sleep(waitMs);
  }

  /**
   * Holds every random fault (error rate, throttle rate, injected faults) off
   * until `atMs` (a performance.now() value of this thread), e.g. a run's time
   * zero, so look-ups before it see a healthy PACS. Latency, jitter, the stall
   * and the association limit are not held.
   */
  holdUntil(atMs: number): void {
    this.#heldUntilMs = atMs;
  }

  #held(): boolean {
    return this.#heldUntilMs > 0 && performance.now() < this.#heldUntilMs;
  }

  /** True when this request should be answered with a failure (counted in `errorRateFailures`). */
  shouldFail(): boolean {
    if (this.#held()) return false;
    const fail = this.#faults.errorRate > 0 && this.#random() < this.#faults.errorRate;
    if (fail) this.errorRateFailures++;
    return fail;
  }

  /**
   * The injector as the answer to one DIMSE request sees it, once that request
   * has drawn its injected fault (`drawFault('dimse')`). At most one fault per
   * request, as on the HTTP side (dicomweb-faults.ts): a request that drew a
   * fault never also draws the error rate. Otherwise an error-rate failure
   * would be counted in `errorRateFailures` and then replaced by the abort,
   * reset or broken bytes, so never sent, and the counts a soak compares
   * with the tool's outcomes would not add up.
   */
  forRequest(fault: FaultKind | undefined): AnswerFaults {
    if (fault === undefined) return this;
    return { delayAnswer: () => this.delayAnswer(), shouldFail: () => false };
  }

  /**
   * Draws the injected fault for one association, DIMSE request or HTTP request:
   * one random number against the cumulative shares of the kinds drawn at
   * `point` (FAULT_POINTS), so at most one fault per draw. Counts what it
   * returns (`injectedCounts`), so a test or soak can compare the tool's
   * outcomes with what was injected. `http429` also draws `throttleRate`.
   * `applies` leaves out kinds this answer cannot carry (a JSON answer cannot
   * have a broken multipart boundary): their share is then no fault, so a
   * share means "of the answers that can carry it" and the counts stay exact.
   */
  drawFault(point: FaultPoint, applies: (kind: FaultKind) => boolean = () => true): FaultKind | undefined {
    const shares = this.#faults.injected;
    if (shares === undefined || this.#held()) return undefined;
    const draw = this.#random();
    let cumulative = 0;
    for (const kind of FAULT_KINDS) {
      const share = shares[kind] ?? 0;
      if (share <= 0 || !FAULT_POINTS[kind].includes(point)) continue;
      // Skipped after its share is added: the share is still "no fault" for this draw.
      if (!applies(kind)) {
        cumulative += share;
        if (draw < cumulative) return undefined;
        continue;
      }
      cumulative += share;
      if (draw < cumulative) {
        this.#injectedCounts.set(kind, (this.#injectedCounts.get(kind) ?? 0) + 1);
        return kind;
      }
    }
    return undefined;
  }

  /** How many of each fault kind `drawFault` has injected so far. */
  injectedCounts(): Partial<Record<FaultKind, number>> {
    return Object.fromEntries(this.#injectedCounts);
  }

  /** Bytes per second of a slow-drip answer. */
  get dripBytesPerSec(): number {
    return this.#faults.dripBytesPerSec ?? DRIP_DEFAULT_BYTES_PER_SEC;
  }

  /**
   * True when this HTTP request should be answered 429 Too Many Requests (RFC 6585
   * section 4), as a rate-limiting gateway in front of a PACS does.
   */
  shouldThrottle(): boolean {
    if (this.#held()) return false;
    const rate = this.#faults.throttleRate ?? 0;
    const throttle = rate > 0 && this.#random() < rate;
    if (throttle) this.throttled++;
    return throttle;
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
