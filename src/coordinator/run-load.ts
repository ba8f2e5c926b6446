/**
 * The run lifecycle (DESIGN section 2): resolve the target (starting an embedded
 * simulator when the profile has none), preflight it, start the workers, give
 * them a common time zero, merge their interval snapshots as they arrive (no
 * lockstep), feed the outputs, stop early on an abortOnFail threshold or an
 * interrupt, and build the summary from the exact merge of every interval.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, arch, cpus, hostname, platform, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PacsLoadError } from '../errors.js';
import { RunAggregator } from '../metrics/aggregate.js';
import { buildSummary } from '../metrics/summary.js';
import { evaluateThresholds, shouldAbort } from '../metrics/thresholds.js';
import type { IntervalReport, RunEnvironment, RunSummary, VerifySummary } from '../metrics/types.js';
import type { AcknowledgedInstance } from '../operations/types.js';
import type { Output } from '../outputs/types.js';
import { describeScenario } from '../profile/describe.js';
import type { ResolvedProfile, ResolvedTarget } from '../profile/types.js';
import { startSimulator, type RunningSimulator } from '../simulator/index.js';
import { TOOL_VERSION } from '../version.js';
import type { WorkerMessage } from '../wire/messages.js';
import { preflight } from './preflight.js';
import { warmUp } from '../operations/warm-up.js';
import { warmUpMetrics } from '../metrics/warm-up.js';
import type { OperationName } from '../metrics/names.js';
import { startWorkerPool, type WorkerPool } from './worker-pool.js';
import { verifyStored } from './verify-stored.js';
import { createDicomwebClient } from '../protocol/dicomweb/client.js';
import { resolveHttpAuth } from '../protocol/dicomweb/auth.js';
import { dicomwebTlsOptions } from '../operations/dicomweb-tls.js';

export interface RunLoadOptions {
  profile: ResolvedProfile;
  /** Worker threads; default: the number of cores. */
  workers?: number;
  outputs: Output[];
  /** Environment for credentials named in the profile (the CLI passes process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Aborting it stops the run the way Ctrl-C does: the summary is still written. */
  interrupt?: AbortSignal;
  runId?: string;
  seed?: number;
  /** Compiled worker entry; default: dist/workers/load-worker.js beside this build. */
  workerFilename?: string;
  /** Told once the embedded simulator listens (only when the profile has no target). */
  onSimulatorStarted?: (simulator: RunningSimulator) => void;
  /** Recorded in the summary (the CLI passes process.version). */
  nodeVersion?: string;
  /**
   * `--verify`: after the load, check that every instance the target
   * acknowledged is stored (verify-stored.ts); the result is `summary.verify`.
   */
  verify?: boolean;
  /** The profile file's text, kept in the summary as "the profile as run" (reports show it). */
  profileSource?: string;
}

export interface RunLoadResult {
  summary: RunSummary;
  thresholdsPassed: boolean;
}

const SIMULATOR_WARM_UP_OPERATIONS: readonly OperationName[] = ['dimse.echo', 'mwl.find', 'qido.studies'];

/** How far in the future time zero is set once all workers are ready, so every worker starts together. */
const START_DELAY_MS = 25;

export async function runLoad(options: RunLoadOptions): Promise<RunLoadResult> {
  const { profile } = options;
  const workerCount = options.workers ?? availableParallelism();
  const runId = options.runId ?? randomUUID();
  const seed = options.seed ?? profile.options.seed ?? 1;

  let simulator: RunningSimulator | undefined;
  let pool: WorkerPool | undefined;
  try {
    let target: ResolvedTarget;
    if (profile.target === undefined) {
      simulator = await startSimulator({ settings: profile.simulator, seed });
      options.onSimulatorStarted?.(simulator);
      target = simulator.target;
      // The embedded simulator answers on this thread: warm its answering code
      // up too, with read-only operations so its data is unchanged.
      await warmUp({ operations: SIMULATOR_WARM_UP_OPERATIONS, target, iterations: 600, budgetMs: 3_000 });
    } else {
      target = profile.target;
    }
    if (profile.options.preflight) await preflight(profile, target, options.env);
    // Merging snapshots runs on this thread, beside an embedded simulator's answers.
    warmUpMetrics();

    const startedAt = new Date();
    for (const output of options.outputs) {
      await output.start({
        runId,
        profile: profile.name,
        scenarioLines: profile.scenarios.map(describeScenario),
        target: describeTarget(target, simulator !== undefined),
        workers: workerCount,
      });
    }

    const onIntervalComplete = (report: IntervalReport): void => {
      for (const output of options.outputs) output.interval(report);
    };
    const aggregator = new RunAggregator(workerCount, { onIntervalComplete });
    let endReason: RunSummary['run']['endReason'] = 'completed';
    let readyCount = 0;
    let doneCount = 0;
    let runEpochMs = 0;
    let lastIntervalShown = -1;
    let workerError: PacsLoadError | undefined;
    const acknowledged: AcknowledgedInstance[] = [];
    let acknowledgedNotKept = 0;
    let resolveAllDone: () => void = () => {};
    const allDone = new Promise<void>((resolve) => (resolveAllDone = resolve));

    const stopWorkers = (reason: 'interrupted' | 'threshold-abort'): void => {
      if (endReason !== 'completed') return;
      endReason = reason;
      pool?.broadcast({ type: 'stop', reason });
    };

    const onMessage = (message: WorkerMessage): void => {
      switch (message.type) {
        case 'ready':
          readyCount++;
          if (readyCount === workerCount) {
            runEpochMs = performance.timeOrigin + performance.now() + START_DELAY_MS;
            pool?.broadcast({ type: 'start', runEpochMs });
            // An embedded simulator's stallAt counts from the run's time zero.
            simulator?.startFaultClock(runEpochMs - performance.timeOrigin);
          }
          return;
        case 'snapshot': {
          aggregator.add(message.snapshot);
          const live = aggregator.latestCompleteInterval();
          if (live !== undefined && live.sequence > lastIntervalShown) {
            lastIntervalShown = live.sequence;
            const failing = shouldAbort(profile.thresholds, aggregator.operationSummaries(), live.status.elapsedUs);
            if (failing.length > 0) stopWorkers('threshold-abort');
          }
          return;
        }
        case 'acknowledged':
          for (const instance of message.instances) acknowledged.push(instance);
          acknowledgedNotKept += message.notKept;
          return;
        case 'done':
          aggregator.workerDone(message.workerIndex);
          doneCount++;
          if (doneCount === workerCount) resolveAllDone();
          return;
        case 'error':
          workerError ??= new PacsLoadError(message.error.code, message.error.message, {
            hint: message.error.hint,
            problems: message.error.problems,
          });
          stopWorkers('interrupted');
          return;
      }
    };

    const onInterrupt = (): void => stopWorkers('interrupted');
    options.interrupt?.addEventListener('abort', onInterrupt, { once: true });
    if (options.interrupt?.aborted === true) onInterrupt();

    const resolvedProfile: ResolvedProfile = { ...profile, target };
    pool = startWorkerPool({
      workerFilename: options.workerFilename ?? defaultWorkerFilename(),
      tasks: Array.from({ length: workerCount }, (_, workerIndex) => ({
        workerIndex,
        workerCount,
        profile: resolvedProfile,
        seed,
        env: { ...options.env },
        verify: options.verify === true,
      })),
      onMessage,
    });
    try {
      // Snapshots travel on the task's own port, the task's result on piscina's:
      // wait for both so no snapshot is still queued when the summary is built.
      await Promise.all([pool.done, allDone]);
    } catch (error) {
      // A worker that reported its failure as data explains it better than the crash.
      throw workerError ?? error;
    } finally {
      options.interrupt?.removeEventListener('abort', onInterrupt);
    }
    if (workerError !== undefined) throw workerError;

    const endedAt = new Date();
    let verify: VerifySummary | undefined;
    if (options.verify === true) {
      // After endedAt: the check is not part of the measured run.
      verify =
        // Set by the message handler: TypeScript cannot see that it may have changed.
        (endReason as RunSummary['run']['endReason']) === 'interrupted'
          ? { checked: 0, missing: 0, missingInstances: [], notChecked: acknowledged.length + acknowledgedNotKept, error: 'not checked: the run was interrupted' }
          : await verifyTarget(target, acknowledged, acknowledgedNotKept, options.env);
    }
    const summaries = aggregator.operationSummaries();
    const thresholds = evaluateThresholds(profile.thresholds, summaries);
    const summary = buildSummary({
      run: {
        id: runId,
        profile: profile.name,
        startedAt: startedAt.toISOString(),
        endedAt: endedAt.toISOString(),
        durationSeconds: (endedAt.getTime() - startedAt.getTime()) / 1000,
        workers: workerCount,
        endReason,
        tool: { name: 'pacs-load', version: TOOL_VERSION, node: options.nodeVersion ?? 'unknown' },
        target: describeTarget(target, simulator !== undefined),
        environment: runEnvironment(),
        ...(options.profileSource === undefined ? {} : { profileSource: options.profileSource }),
      },
      aggregator,
      thresholds,
    });
    if (verify !== undefined) summary.verify = verify;
    // Outputs that deliver elsewhere (InfluxDB) go first, so the summary file and
    // reports written after them can say what was delivered.
    for (const output of options.outputs.filter((candidate) => candidate.delivers === true)) {
      const delivery = await output.stop(summary);
      if (delivery !== undefined) summary.outputs = { ...summary.outputs, [output.name]: delivery };
    }
    for (const output of options.outputs.filter((candidate) => candidate.delivers !== true)) await output.stop(summary);
    return { summary, thresholdsPassed: thresholds.every((result) => result.passed) };
  } finally {
    await pool?.close();
    await simulator?.close();
  }
}

function describeTarget(target: ResolvedTarget, embedded: boolean): string {
  const parts: string[] = [];
  if (target.dimse !== undefined) parts.push(`DIMSE ${target.dimse.calledAe}@${target.dimse.host}:${target.dimse.port}`);
  if (target.dicomweb !== undefined) parts.push(`DICOMweb ${target.dicomweb.baseUrl}`);
  return (embedded ? 'embedded simulator: ' : '') + parts.join(', ');
}

/** `--verify`: C-FIND on the DIMSE side when there is one, else QIDO-RS on the DICOMweb side. */
async function verifyTarget(
  target: ResolvedTarget,
  instances: readonly AcknowledgedInstance[],
  notKept: number,
  env: Readonly<Record<string, string | undefined>>,
): Promise<VerifySummary> {
  const web = target.dimse === undefined ? target.dicomweb : undefined;
  const dicomweb =
    web === undefined || instances.length === 0
      ? undefined
      : createDicomwebClient({
          baseUrl: web.baseUrl,
          connections: 1,
          timeoutUs: web.operationTimeoutUs,
          auth: resolveHttpAuth(web.auth, env),
          tls: dicomwebTlsOptions(web.tls),
        });
  try {
    return await verifyStored({ target: target.dimse, dicomweb, instances, notKept });
  } finally {
    await dicomweb?.close();
  }
}

function runEnvironment(): RunEnvironment {
  const cores = cpus();
  return {
    hostname: hostname(),
    platform: platform(),
    arch: arch(),
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
  };
}

function defaultWorkerFilename(): string {
  // This file is dist/src/coordinator/run-load.js once built; the worker is dist/workers/.
  return fileURLToPath(new URL('../../workers/load-worker.js', import.meta.url));
}
