/**
 * The piscina worker entry: one long task per worker thread for the whole run
 * (docs/architecture.md section 11). It builds this worker's operations, says `ready`, waits
 * for the coordinator's common time zero, runs every scenario's share, and
 * sends one snapshot per interval, then a final partial one and `done`.
 * The wiring lives here; the logic lives in src/ (scheduler, operations, metrics).
 */
import { setMaxListeners } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { PacsLoadError, toErrorData } from '../src/errors.js';
import { MetricsRecorder } from '../src/metrics/recorder.js';
import { createOperation } from '../src/operations/index.js';
import type { Operation } from '../src/operations/types.js';
import { AcknowledgedCollector } from '../src/operations/acknowledged-collector.js';
import { IdentityAllocator } from '../src/synth/identity.js';
import { StoredTally } from '../src/operations/stored-tally.js';
import { systemClock, type Clock } from '../src/scheduler/index.js';
import type { CoordinatorMessage, WorkerMessage, WorkerTask, WorkerTaskResult } from '../src/wire/messages.js';
import { runScenario } from './scenario-runner.js';
import type { OperationName } from '../src/metrics/names.js';
import { warmUp } from '../src/operations/warm-up.js';
import { warmUpMetrics } from '../src/metrics/warm-up.js';
import { startSimulator } from '../src/simulator/index.js';
import { NO_FAULTS } from '../src/simulator/faults.js';

/** Per operation: enough for V8 to optimise the hot paths (measured: ~4 ms/echo after ~200, 67 ms for the first). */
const WARM_UP_ITERATIONS = 600;
const WARM_UP_BUDGET_MS = 3_000;

export default async function loadWorker(task: WorkerTask): Promise<WorkerTaskResult> {
  const { port, workerIndex, workerCount, profile } = task;
  const post = (message: WorkerMessage): void => port.postMessage(message);
  const stop = new AbortController();
  // Each scenario's driver and its sleeps listen on this signal.
  setMaxListeners(0, stop.signal);
  const operations: Operation[] = [];
  let snapshotsSent = 0;
  // `--verify`: what the targets acknowledged, bounded (src/operations/acknowledged-collector.ts).
  const acknowledged = task.verify === true ? new AcknowledgedCollector() : undefined;
  // Every run: acknowledged instances and distinct studies per storing scenario (src/operations/stored-tally.ts).
  const stored = new StoredTally();

  // A second interrupt: operations in flight are aborted now, not after their graceful stop.
  const cutOff = new AbortController();
  setMaxListeners(0, cutOff.signal);
  const started = waitForStart(port, stop, cutOff);
  try {
    const target = profile.target;
    if (target === undefined) {
      throw new PacsLoadError('ERR_INTERNAL', 'The worker got a profile without a target.', {
        hint: 'This is a bug in pacs-load: the coordinator resolves the target before starting workers.',
      });
    }
    for (const [scenarioIndex, scenario] of profile.scenarios.entries()) {
      operations.push(
        createOperation(scenario.operation, {
          target,
          params: scenario.params,
          workerIndex,
          workerCount,
          seed: task.seed,
          identities: new IdentityAllocator(task.identity, scenarioIndex),
          env: task.env,
          ...(task.allowUnmarkedData === true ? { allowUnmarkedData: true } : {}),
        }),
      );
    }
    await warmUpThread(profile.scenarios.map((scenario) => scenario.operation));
    warmUpMetrics();
    // Look-ups an operation needs before its first run (e.g. which studies the
    // target holds), like k6's setup(): before time zero, so never timed.
    await Promise.all(operations.map((operation) => operation.prepare?.(stop.signal)));
    post({ type: 'ready', workerIndex });
    const runEpochMs = await started;
    if (runEpochMs !== undefined) {
      const clock = systemClock(runEpochMs);
      const recorder = new MetricsRecorder();
      const intervalUs = profile.options.intervalUs;
      const timerStop = new AbortController();
      const timer = runIntervalTimer(clock, intervalUs, timerStop.signal, (sequence) => {
        post({ type: 'snapshot', snapshot: recorder.takeSnapshot(workerIndex, sequence * intervalUs, (sequence + 1) * intervalUs, sequence) });
        snapshotsSent++;
      });
      await Promise.all(
        profile.scenarios.map((scenario, index) =>
          runScenario({
            scenario,
            operation: operations[index]!,
            // Within an execution segment (--segment), global item indices still feed the synthetic data.
            segment: { index: workerIndex, count: workerCount, ...(task.executionSegment === undefined ? {} : { within: task.executionSegment }) },
            clock,
            recorder,
            stopSignal: stop.signal,
            cutOffSignal: cutOff.signal,
            onAcknowledged: (instances) => {
              stored.add(scenario.name, instances);
              acknowledged?.add(instances);
            },
          }),
        ),
      );
      timerStop.abort();
      const lastSequence = await timer;
      // The final, partial interval: whatever completed since the last boundary.
      const finalSequence = lastSequence + 1;
      post({ type: 'snapshot', snapshot: recorder.takeSnapshot(workerIndex, finalSequence * intervalUs, Math.max(finalSequence * intervalUs, clock.nowUs()), finalSequence) });
      snapshotsSent++;
    }
    for (const chunk of stored.chunks()) post({ type: 'stored', workerIndex, chunk });
    if (acknowledged !== undefined) {
      // Before `done`, on the same port, so the coordinator has them all when it verifies.
      for (const instances of acknowledged.chunks()) post({ type: 'acknowledged', workerIndex, instances, notKept: 0 });
      if (acknowledged.notKept > 0) post({ type: 'acknowledged', workerIndex, instances: [], notKept: acknowledged.notKept });
    }
    post({ type: 'done', workerIndex });
    return { workerIndex, snapshotsSent };
  } catch (error) {
    post({ type: 'error', workerIndex, error: toErrorData(error) });
    post({ type: 'done', workerIndex });
    return { workerIndex, snapshotsSent };
  } finally {
    await Promise.allSettled(operations.map((operation) => operation.close()));
    port.close();
  }
}

/**
 * JIT warm-up of this thread's operation code against a private loopback
 * simulator, before time zero (see src/operations/warm-up.ts for why). The
 * target under test never sees this traffic.
 */
async function warmUpThread(operations: OperationName[]): Promise<void> {
  const simulator = await startSimulator({
    settings: { stations: 1, stepsPerStation: 1, studies: 10, faults: NO_FAULTS },
  });
  try {
    await warmUp({ operations, target: simulator.target, iterations: WARM_UP_ITERATIONS, budgetMs: WARM_UP_BUDGET_MS });
  } finally {
    await simulator.close();
  }
}

/**
 * Resolves with time zero from `start`, or undefined if `stop` came first.
 * Later `stop`s abort `stop`, and `cutOff` when they say so.
 */
function waitForStart(port: MessagePort, stop: AbortController, cutOff: AbortController): Promise<number | undefined> {
  return new Promise((resolve) => {
    port.on('message', (message: CoordinatorMessage) => {
      if (message.type === 'start') resolve(message.runEpochMs);
      else if (message.type === 'stop') {
        stop.abort();
        if (message.cutOff === true) cutOff.abort();
        resolve(undefined);
      }
    });
  });
}

/**
 * Calls `onBoundary(k)` at each interval boundary (k+1) * intervalUs, until
 * `signal` aborts; resolves with the last completed sequence (-1 if none).
 * Boundaries are the same for every worker, so the coordinator merges by sequence.
 */
async function runIntervalTimer(clock: Clock, intervalUs: number, signal: AbortSignal, onBoundary: (sequence: number) => void): Promise<number> {
  let sequence = 0;
  for (;;) {
    await clock.sleepUntilUs((sequence + 1) * intervalUs, signal);
    if (signal.aborted) return sequence - 1;
    onBoundary(sequence);
    sequence++;
  }
}
