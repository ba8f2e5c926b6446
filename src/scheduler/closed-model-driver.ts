/**
 * The closed-model driver (docs/architecture.md section 3, point 1) for the concurrency and
 * iterations executors. Each active user loops: take the next index, start an
 * operation, wait for it to finish, repeat. There is no queue: an operation's
 * intended start is the moment its user takes it, so lag is zero by design and
 * the offered load follows the target's speed (which is what a closed model is).
 *
 * - Users: the driver reads `usersAt` at the scenario start and then at least
 *   every `rampCheckIntervalUs` (default 100 ms, on a grid from the scenario
 *   start). This segment's users are numbered 0, 1, ...; user k is active while
 *   k < usersAt(t). New users start at once; surplus users finish their current
 *   operation and leave (the highest numbers leave first, and come back first).
 * - Indices: with `iterationIndices` (the `iterations` executor) users take the
 *   next index from that finite sequence and leave when it is exhausted; the
 *   driver returns as soon as all are done. Without it, the worker's k-th
 *   operation gets global index `segment.index + k * segment.count`: unique
 *   across workers (striping, as in segment.ts) though not dense, since workers
 *   run at different speeds.
 * - End: at `endUs` no new operation starts. Indices of `iterationIndices` not
 *   started by then are dropped (`onDropped`, with the end as intended start).
 *   When `signal` aborts, no new operation starts either, and nothing is counted
 *   as dropped: an interrupted run did not fail to keep up.
 * - Operations in flight then get `gracefulStopUs`; those still running are
 *   reported as `timedOut` (the caller aborts them).
 */
import type { Clock } from './clock.js';
import { InFlight, settleWithin } from './in-flight.js';
import type { WorkerSegment } from './segment.js';
import { WHOLE_SEGMENT, assertSegment, ownedIndices } from './segment.js';
import type { DriverResult, PlannedArrival } from './types.js';
import { WakeUp } from './wake-up.js';

export interface ClosedModelOptions {
  clock: Clock;
  /** The scenario's time zero on `clock`. */
  scenarioStartUs: number;
  /** The scenario's end on `clock` (for `iterations`, its maxDuration). */
  endUs: number;
  /** How long operations in flight may run after the end (or an abort). */
  gracefulStopUs: number;
  /** This segment's wanted users at a time relative to the scenario start. */
  usersAt: (timeUs: number) => number;
  /** The `iterations` executor: this segment's global iteration indices (finite). */
  iterationIndices?: Iterable<number>;
  /** For numbering operations when `iterationIndices` is undefined; defaults to the whole scenario. */
  segment?: WorkerSegment;
  /**
   * Starts one operation (`intendedStartUs` absolute on `clock`: the moment its
   * user took it). Resolves when it has finished; rejects only for a bug (the
   * driver then stops and rejects with that error after the graceful stop).
   */
  startOperation: (arrival: PlannedArrival) => Promise<void>;
  /** Called once per iteration of `iterationIndices` not started before the end. */
  onDropped?: (arrival: PlannedArrival) => void;
  /** Aborting stops starting new operations. */
  signal?: AbortSignal;
  /** How often `usersAt` is read; default 100 ms. */
  rampCheckIntervalUs?: number;
}

/** Runs a closed-model scenario on `options.clock`; see the file comment for the rules. */
export async function runClosedModel(options: ClosedModelOptions): Promise<DriverResult> {
  const { clock, scenarioStartUs, endUs, gracefulStopUs, usersAt, startOperation, signal } = options;
  const rampCheckIntervalUs = Math.max(1, options.rampCheckIntervalUs ?? 100_000);
  const segment = options.segment ?? WHOLE_SEGMENT;
  assertSegment(segment);
  const indices = (options.iterationIndices ?? ownedIndices(segment))[Symbol.iterator]();
  // One index read ahead, so a segment with no iterations at all (a worker that
  // owns no user of an `iterations` scenario) ends at once instead of idling
  // until maxDuration.
  let nextIndex = indices.next();
  let indicesLeft = nextIndex.done !== true;
  const inFlight = new InFlight();
  const wakeUp = new WakeUp();
  /** Users (by number) whose loop is running, possibly finishing a last operation. */
  const liveUsers = new Set<number>();
  let wantedUsers = 0;
  let stopped = false;
  let started = 0;

  const takeIndex = (): number | undefined => {
    if (nextIndex.done === true) {
      indicesLeft = false;
      return undefined;
    }
    const index = nextIndex.value;
    nextIndex = indices.next();
    indicesLeft = nextIndex.done !== true;
    return index;
  };
  const mayStart = (user: number): boolean =>
    !stopped && user < wantedUsers && inFlight.failure === undefined && signal?.aborted !== true && clock.nowUs() < endUs;

  const runUser = async (user: number): Promise<void> => {
    try {
      while (mayStart(user)) {
        const index = takeIndex();
        if (index === undefined) break;
        started += 1;
        const intendedStartUs = clock.nowUs();
        await inFlight.run(() => startOperation({ index, intendedStartUs }));
      }
    } finally {
      liveUsers.delete(user);
      if (liveUsers.size === 0 || inFlight.failure !== undefined) wakeUp.wake();
    }
  };

  await clock.sleepUntilUs(scenarioStartUs, signal);
  let ended = false;
  for (;;) {
    if (signal?.aborted === true || inFlight.failure !== undefined) break;
    const nowUs = clock.nowUs();
    if (nowUs >= endUs) {
      ended = true;
      break;
    }
    wantedUsers = Math.max(0, Math.floor(usersAt(nowUs - scenarioStartUs)));
    for (let user = 0; user < wantedUsers && indicesLeft; user += 1) {
      if (liveUsers.has(user)) continue;
      liveUsers.add(user);
      void runUser(user);
    }
    if (!indicesLeft && liveUsers.size === 0) break; // every iteration is done
    const elapsedUs = nowUs - scenarioStartUs;
    const nextCheckUs = scenarioStartUs + (Math.floor(elapsedUs / rampCheckIntervalUs) + 1) * rampCheckIntervalUs;
    await wakeUp.sleepUntil(clock, Math.min(nextCheckUs, endUs), signal);
  }
  stopped = true;
  const stopUs = ended ? endUs : Math.min(clock.nowUs(), endUs);

  let dropped = 0;
  if (ended && options.iterationIndices !== undefined && inFlight.failure === undefined) {
    for (let index = takeIndex(); index !== undefined; index = takeIndex()) {
      dropped += 1;
      options.onDropped?.({ index, intendedStartUs: endUs });
    }
  }

  const timedOut = await settleWithin(clock, inFlight, stopUs + gracefulStopUs);
  if (inFlight.failure !== undefined) throw inFlight.failure.error;
  return { started, dropped, timedOut };
}
