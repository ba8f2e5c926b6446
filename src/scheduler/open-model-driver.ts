/**
 * The open-model driver (docs/architecture.md section 3, point 1): it starts the operations of
 * an arrival-rate plan at their planned times, whether or not earlier ones have
 * finished, and never lets a slow target lower the offered rate silently.
 *
 * - When an arrival is due and fewer than `maxInFlight` operations run, it starts
 *   now. Otherwise it waits in a FIFO queue and starts as soon as a slot frees. It
 *   keeps its intended start time either way: the caller measures response time
 *   from it, so the queueing delay is latency the user would have felt.
 * - On each wake-up every arrival that is due is taken, so a timer that fires late
 *   delays operations (visible as lag) but never drops them from the rate.
 * - An arrival still waiting for a slot when the clock reaches `endUs` is dropped
 *   (`onDropped`); so is every arrival due behind it. Only the in-flight limit
 *   drops arrivals, never timer lateness: arrivals due before the end that a late
 *   wake-up finds after it still start if slots are free and nothing waits
 *   ahead of them. Arrivals planned at or after `endUs` are ignored.
 * - When `signal` aborts, planning stops. Arrivals whose time had not come are
 *   not counted at all (they were never due); those that were due but had not
 *   started (queued) are dropped.
 * - After the end (or the abort), operations in flight get `gracefulStopUs` to
 *   finish; the ones still running then are reported as `timedOut`. The driver
 *   does not cancel them: the caller aborts its operations' signal when `run…`
 *   resolves with `timedOut > 0`.
 */
import { PacsLoadError } from '../errors.js';
import type { Clock } from './clock.js';
import { Fifo } from './fifo.js';
import { InFlight, settleWithin } from './in-flight.js';
import type { DriverResult, PlannedArrival } from './types.js';
import { WakeUp } from './wake-up.js';

export interface OpenModelOptions {
  /** This segment's arrivals, intended starts relative to the scenario start, in time order. */
  plan: Iterable<PlannedArrival>;
  clock: Clock;
  /** The scenario's time zero on `clock`. */
  scenarioStartUs: number;
  /** The scenario's end on `clock`; arrivals at or after it are not started. */
  endUs: number;
  /** How long operations in flight may run after the end (or an abort). */
  gracefulStopUs: number;
  /**
   * This segment's in-flight limit, an integer >= 1. Splitting a profile's limit
   * over workers uses ceil(maxInFlight / count) (see index.ts), so the run as a
   * whole may exceed the profile's limit by less than the number of workers.
   */
  maxInFlight: number;
  /**
   * Starts one operation; `intendedStartUs` is absolute on `clock`. Resolves when
   * the operation has finished; rejects only for a bug (the driver then stops and
   * rejects with that error after the graceful stop).
   */
  startOperation: (arrival: PlannedArrival) => Promise<void>;
  /** Called once per arrival that could not start (intended start absolute on `clock`). */
  onDropped: (arrival: PlannedArrival) => void;
  /** Aborting stops planning new operations (a user interrupt, a threshold abort). */
  signal?: AbortSignal;
}

/** Runs an open-model plan on `options.clock`; see the file comment for the rules. */
export async function runOpenModel(options: OpenModelOptions): Promise<DriverResult> {
  const { clock, scenarioStartUs, endUs, gracefulStopUs, maxInFlight, startOperation, onDropped, signal } = options;
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) {
    throw new PacsLoadError('ERR_INTERNAL', `maxInFlight is ${maxInFlight}; the open-model driver needs an integer >= 1.`, {
      hint: 'This is a bug in pacs-load: the scenario plan should give every worker at least one slot.',
    });
  }

  const upcoming = absoluteArrivals(options.plan, scenarioStartUs, endUs)[Symbol.iterator]();
  let next = upcoming.next();
  const queue = new Fifo<PlannedArrival>();
  const inFlight = new InFlight();
  const wakeUp = new WakeUp();
  let started = 0;
  let dropped = 0;

  const pump = (): void => {
    while (inFlight.count < maxInFlight && queue.length > 0) {
      const arrival = queue.shift() as PlannedArrival;
      started += 1;
      void inFlight.run(() => startOperation(arrival)).then(onSettled);
    }
  };
  const onSettled = (): void => {
    if (inFlight.failure !== undefined) wakeUp.wake();
    else if (clock.nowUs() < endUs) pump();
  };
  const drop = (arrival: PlannedArrival): void => {
    dropped += 1;
    onDropped(arrival);
  };
  /** Moves every arrival due by `nowUs` from the plan to the queue. */
  const takeDue = (nowUs: number): void => {
    while (next.done !== true && next.value.intendedStartUs <= nowUs) {
      queue.push(next.value);
      next = upcoming.next();
    }
  };

  let stopUs = endUs;
  for (;;) {
    const nowUs = clock.nowUs();
    if (signal?.aborted === true || inFlight.failure !== undefined) {
      // Due but not started: dropped. Not yet due: never counted.
      takeDue(nowUs);
      stopUs = Math.min(nowUs, endUs);
      break;
    }
    if (nowUs >= endUs && queue.length > 0) {
      // Every slot was busy from these arrivals' times to the end: they, and any
      // arrival that came due behind them, could not start before the end.
      takeDue(nowUs);
      break;
    }
    takeDue(nowUs);
    pump();
    if (nowUs >= endUs) break;
    if (next.done === true && queue.length === 0) break; // nothing left to start; in-flight ones may run to endUs + grace
    const wakeUs = next.done === true ? endUs : Math.min(next.value.intendedStartUs, endUs);
    await wakeUp.sleepUntil(clock, wakeUs, signal);
  }
  for (let arrival = queue.shift(); arrival !== undefined; arrival = queue.shift()) drop(arrival);

  const timedOut = await settleWithin(clock, inFlight, stopUs + gracefulStopUs);
  if (inFlight.failure !== undefined) throw inFlight.failure.error;
  return { started, dropped, timedOut };
}

/** The plan with absolute times, cut at `endUs`. */
function* absoluteArrivals(plan: Iterable<PlannedArrival>, scenarioStartUs: number, endUs: number): Generator<PlannedArrival> {
  for (const arrival of plan) {
    const intendedStartUs = scenarioStartUs + arrival.intendedStartUs;
    if (intendedStartUs >= endUs) return;
    yield { index: arrival.index, intendedStartUs };
  }
}

