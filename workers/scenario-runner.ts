/**
 * Runs one scenario's share on one worker: plans it (scheduler), drives it on
 * the worker's clock, runs each operation and records its three times
 * (docs/architecture.md section 3, point 2):
 *   response = completion - intended start   (the headline; includes queueing)
 *   service  = completion - actual start
 *   lag      = actual start - intended start
 * A composite operation (`chain`) also reports each step as it completes
 * (`onStep`); each step is recorded as its own series (see `runOne`).
 */
import { setMaxListeners } from 'node:events';
import { outcomeKey, outcomeReason } from '../src/metrics/names.js';
import type { MetricsRecorder } from '../src/metrics/recorder.js';
import type { AcknowledgedInstance, Operation, StepReport } from '../src/operations/types.js';
import type { ResolvedScenario } from '../src/profile/types.js';
import { planScenario, runClosedModel, runOpenModel, type Clock, type PlannedArrival, type WorkerSegment } from '../src/scheduler/index.js';

export interface ScenarioRunOptions {
  scenario: ResolvedScenario;
  operation: Operation;
  segment: WorkerSegment;
  clock: Clock;
  recorder: MetricsRecorder;
  /** Aborted by a coordinator `stop`: plan nothing new, let in-flight work finish within gracefulStop. */
  stopSignal: AbortSignal;
  /** Aborted by a `stop` with `cutOff` (a second interrupt): abort in-flight work now; its outcome is still recorded. */
  cutOffSignal?: AbortSignal;
  /** `--verify`: told the instances each operation's target acknowledged as stored. */
  onAcknowledged?: (instances: readonly AcknowledgedInstance[]) => void;
}

/** How long operations cut off at the end of the graceful stop get to report their outcome. */
const CUT_OFF_SETTLE_MS = 2_000;

export async function runScenario(options: ScenarioRunOptions): Promise<void> {
  const { scenario, operation, segment, clock, recorder, stopSignal } = options;
  const { name, operation: operationName } = scenario;
  const scenarioStartUs = scenario.startAfterUs;
  await clock.sleepUntilUs(scenarioStartUs, stopSignal);
  if (stopSignal.aborted) return;

  const plan = planScenario(scenario.executor, segment);
  const endUs = scenarioStartUs + plan.durationUs;
  // Aborted when the graceful stop runs out: operations still in flight are cut off.
  const cutOff = new AbortController();
  // Every operation in flight listens on this signal; hundreds may, legitimately.
  setMaxListeners(0, cutOff.signal);
  const cutOffNow = (): void => cutOff.abort();
  if (options.cutOffSignal?.aborted === true) cutOffNow();
  else options.cutOffSignal?.addEventListener('abort', cutOffNow, { once: true });
  const inFlight = new Set<Promise<void>>();

  const startOperation = (arrival: PlannedArrival): Promise<void> => {
    const run = runOne(arrival);
    inFlight.add(run);
    return run.finally(() => inFlight.delete(run));
  };
  const runOne = async (arrival: PlannedArrival): Promise<void> => {
    const actualStartUs = clock.nowUs();
    recorder.addInFlight(name, operationName, 1);
    // A chain's steps (src/operations/chain.ts), each a series of its own. The
    // first step starts with the chain, so it carries the chain's lag and is
    // timed from the intended start; each later one was due the moment the
    // previous one completed, so its lag is 0 and its response is its service time.
    let stepStartUs = actualStartUs;
    let firstStep = true;
    const onStep = (step: StepReport): void => {
      const completedUs = clock.nowUs();
      recorder.record(name, step.operation, {
        outcomeKey: outcomeKey(step.result.outcome),
        reason: outcomeReason(step.result.outcome),
        responseUs: completedUs - (firstStep ? arrival.intendedStartUs : stepStartUs),
        serviceUs: completedUs - stepStartUs,
        lagUs: firstStep ? actualStartUs - arrival.intendedStartUs : 0,
        setupUs: step.result.setupUs,
        ttfbUs: step.result.ttfbUs,
        bytesSent: step.result.bytesSent,
        bytesReceived: step.result.bytesReceived,
        requests: step.result.requests,
        matches: step.result.matches,
        instancesRetrieved: step.result.instancesRetrieved,
      });
      if (step.result.acknowledged !== undefined) options.onAcknowledged?.(step.result.acknowledged);
      stepStartUs = completedUs;
      firstStep = false;
    };
    try {
      const result = await operation.run({ iteration: arrival.index, signal: cutOff.signal, onStep });
      const completedUs = clock.nowUs();
      recorder.record(name, operationName, {
        outcomeKey: outcomeKey(result.outcome),
        reason: outcomeReason(result.outcome),
        responseUs: completedUs - arrival.intendedStartUs,
        serviceUs: completedUs - actualStartUs,
        lagUs: actualStartUs - arrival.intendedStartUs,
        setupUs: result.setupUs,
        ttfbUs: result.ttfbUs,
        bytesSent: result.bytesSent,
        bytesReceived: result.bytesReceived,
        requests: result.requests,
        matches: result.matches,
        instancesRetrieved: result.instancesRetrieved,
      });
      if (result.acknowledged !== undefined) options.onAcknowledged?.(result.acknowledged);
    } finally {
      recorder.addInFlight(name, operationName, -1);
    }
  };
  const onDropped = (): void => recorder.recordDropped(name, operationName);

  const common = {
    clock,
    scenarioStartUs,
    endUs,
    gracefulStopUs: scenario.gracefulStopUs,
    startOperation,
    onDropped,
    signal: stopSignal,
  };
  const result =
    plan.model === 'open'
      ? await runOpenModel({ ...common, plan: plan.plan, maxInFlight: plan.maxInFlight })
      : await runClosedModel({ ...common, usersAt: plan.usersAt, iterationIndices: plan.iterationIndices, segment });

  options.cutOffSignal?.removeEventListener('abort', cutOffNow);
  if (result.timedOut > 0 || inFlight.size > 0) {
    // The graceful stop ran out: cut the rest off. Their outcome (timeout or
    // aborted) is still recorded, so nothing that started goes uncounted.
    cutOff.abort();
    await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, CUT_OFF_SETTLE_MS))]);
  }
}
