/**
 * The run lifecycle (docs/architecture.md section 2): resolve the target (starting an embedded
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
import type { IntervalReport, RunEnvironment, RunSummary, SeedPriorsSummary, VerifySummary } from '../metrics/types.js';
import type { AcknowledgedInstance } from '../operations/types.js';
import type { Output } from '../outputs/types.js';
import { describeScenario } from '../profile/describe.js';
import type { ResolvedProfile, ResolvedTarget, SeedPriorsSettings } from '../profile/types.js';
import { seedFailedError, seedPriors } from '../operations/seed-priors.js';
import { startSimulator, type RunningSimulator } from '../simulator/index.js';
import { TOOL_VERSION } from '../version.js';
import type { WorkerMessage } from '../wire/messages.js';
import { preflight } from './preflight.js';
import { preflightWorklistMarking } from './preflight-marking.js';
import { warmUp } from '../operations/warm-up.js';
import { warmUpMetrics } from '../metrics/warm-up.js';
import type { OperationName } from '../metrics/names.js';
import { startWorkerPool, type WorkerPool } from './worker-pool.js';
import { uncheckedVerify } from './verify-compare.js';
import { verifyStored } from './verify-stored.js';
import { createDicomwebClient } from '../protocol/dicomweb/client.js';
import { resolveHttpAuth } from '../protocol/dicomweb/auth.js';
import { dicomwebTlsOptions } from '../operations/dicomweb-tls.js';
import { resolveDimseSecurity } from '../operations/dimse-security.js';
import { describeExecutionSegment, executionOwns, type ExecutionSegment } from '../scheduler/segment-execution.js';
import { BreakpointJudge } from '../scheduler/breakpoint-verdict.js';
import { migrationSummary } from '../plan/migration-summary.js';
import { DEFAULT_UID_ROOT, identitySettings, type IdentityMode, type IdentitySettings } from '../synth/identity.js';
import type { IdentitySummary } from '../metrics/types.js';
import { StoredCounts } from './stored-counts.js';

export interface RunLoadOptions {
  profile: ResolvedProfile;
  /** Worker threads; default: the number of cores. */
  workers?: number;
  outputs: Output[];
  /** Environment for credentials named in the profile (the CLI passes process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Aborting it stops the run the way Ctrl-C does: the summary is still written. */
  interrupt?: AbortSignal;
  /** Aborting it stops the run now: in-flight operations are cut off (their outcome is still counted), outputs still written. */
  forceStop?: AbortSignal;
  runId?: string;
  seed?: number;
  /**
   * `--identities`: `unique` (new UIDs, patient IDs and accession numbers every
   * run) or `fixed` (the same for the same seed: a deliberate duplicate-send
   * test). Default: the profile's `identities`, else unique (src/synth/identity.ts).
   */
  identities?: IdentityMode;
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
  /** `--archive-size`: the archive a migration moves, in bytes (overrides the profile's `migration.archiveSize`); the summary gets `migration`. */
  archiveSizeBytes?: number;
  /** The profile file's text, kept in the summary as "the profile as run" (reports show it). */
  profileSource?: string;
  /**
   * `--segment`: run only this share of every scenario (issue 8,
   * src/scheduler/segment-execution.ts); the other instances of the split run
   * the rest. Default: the whole profile.
   */
  segment?: ExecutionSegment;
  /**
   * `--start-at`: time zero as wall-clock epoch milliseconds, so separately
   * started instances begin together. Workers are prepared before it; if they
   * are ready only after it, the run fails (ERR_START_MISSED) instead of
   * starting out of step with the others.
   */
  startAtEpochMs?: number;
  /** Told once every worker is ready, with time zero (epoch ms): with `startAtEpochMs` the wait may be long. */
  onWorkersReady?: (runEpochMs: number) => void;
  /**
   * `--allow-unmarked-data` (issue 10, item 5): chain scenarios may send data
   * built from worklist items without the synthetic marking
   * (src/synth/marking.ts). Default: such items stop the run in preflight
   * (preflight-marking.ts, ERR_UNMARKED_DATA) and are refused during it.
   */
  allowUnmarkedData?: boolean;
  /** Told when the `seedPriors` step starts (it may take minutes) and once it is over, before time zero (the CLI prints both). */
  onSeedingPriors?: (settings: SeedPriorsSettings) => void;
  onPriorsSeeded?: (seeded: SeedPriorsSummary) => void;
}

export interface RunLoadResult {
  summary: RunSummary;
  thresholdsPassed: boolean;
  /** A worker failed after time zero: the run ended early with this error (`summary.workerFailure`); outputs were written. */
  workerError?: PacsLoadError;
}

/** How often outputs that keep a file current (`Output.checkpoint`, the summary JSON) get the summary so far. */
export const CHECKPOINT_INTERVAL_US = 10_000_000;

const SIMULATOR_WARM_UP_OPERATIONS: readonly OperationName[] = ['dimse.echo', 'mwl.find', 'qido.studies'];

/** How far in the future time zero is set once all workers are ready, so every worker starts together. */
const START_DELAY_MS = 25;

export async function runLoad(options: RunLoadOptions): Promise<RunLoadResult> {
  const { profile } = options;
  const workerCount = options.workers ?? availableParallelism();
  const runId = options.runId ?? randomUUID();
  const seed = options.seed ?? profile.options.seed ?? 1;
  // One run component for every worker of every instance that shares the run id (src/synth/identity.ts).
  const identity = identitySettings({ mode: options.identities ?? profile.options.identities ?? 'unique', runId, seed, uidRoot: profile.options.uidRoot });

  let simulator: RunningSimulator | undefined;
  let pool: WorkerPool | undefined;
  try {
    let target: ResolvedTarget;
    if (profile.target === undefined) {
      // A profile that seeds its priors meets an empty archive, as on a real PACS.
      simulator = await startSimulator({ settings: profile.simulator, seed, generatedPriors: profile.seedPriors === undefined });
      // Random faults (error rate, injected faults) start at time zero, as with
      // `simulate --faults-from`: the warm-up, preflight and the workers'
      // look-ups see a healthy PACS, and every fault injected is one an
      // operation can count.
      simulator.holdFaultsUntil(Number.POSITIVE_INFINITY);
      options.onSimulatorStarted?.(simulator);
      target = simulator.target;
      // The embedded simulator answers on this thread: warm its answering code
      // up too, with read-only operations so its data is unchanged.
      await warmUp({ operations: SIMULATOR_WARM_UP_OPERATIONS, target, iterations: 600, budgetMs: 3_000 });
    } else {
      target = profile.target;
    }
    if (profile.options.preflight) await preflight(profile, target, options.env);
    // A safety check, not a reachability one: `preflight: false` does not skip it.
    if (simulator === undefined && options.allowUnmarkedData !== true) await preflightWorklistMarking(profile, target, options.env);
    // Before time zero and the outputs' start: seeding is not measured (issue 14, item 6).
    const seeded =
      profile.seedPriors !== undefined && seedsPriors(options.segment)
        ? await seedPriorsStep(profile.seedPriors, target, options, seed, describeTarget(target, simulator !== undefined))
        : undefined;
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

    const runInfo = (endedAt: Date, reason: RunSummary['run']['endReason']): RunSummary['run'] => ({
      id: runId,
      profile: profile.name,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationSeconds: (endedAt.getTime() - startedAt.getTime()) / 1000,
      workers: workerCount,
      endReason: reason,
      tool: { name: 'pacs-load', version: TOOL_VERSION, node: options.nodeVersion ?? 'unknown' },
      target: describeTarget(target, simulator !== undefined),
      environment: runEnvironment(),
      ...(options.profileSource === undefined ? {} : { profileSource: options.profileSource }),
      ...(options.segment === undefined ? {} : { segment: describeExecutionSegment(options.segment) }),
    });

    // Checkpoints (issue 10, item 2): every CHECKPOINT_INTERVAL_US of run time,
    // outputs that keep a file get the summary so far, so a process killed with
    // SIGKILL or by the OOM killer still leaves its results up to the last one.
    // One at a time: a slow disk delays the next checkpoint, never the run.
    const checkpointOutputs = options.outputs.filter((output) => output.checkpoint !== undefined);
    let lastCheckpointUs = 0;
    let checkpointing: Promise<void> | undefined;
    const checkpoint = (elapsedUs: number): void => {
      if (checkpointOutputs.length === 0 || checkpointing !== undefined || elapsedUs - lastCheckpointUs < CHECKPOINT_INTERVAL_US) return;
      lastCheckpointUs = elapsedUs;
      const partial = buildSummary({ run: runInfo(new Date(), 'running'), aggregator, thresholds: [] });
      partial.identities = identitySummary(identity, profile);
      checkpointing = Promise.allSettled(checkpointOutputs.map((output) => output.checkpoint?.(partial))).then(() => {
        checkpointing = undefined;
      });
    };

    // A breakpoint scenario's steps are judged as their intervals complete (src/scheduler/breakpoint-verdict.ts).
    const breakpointScenario = profile.scenarios.find((scenario) => scenario.executor.type === 'breakpoint');
    const breakpoint = breakpointScenario === undefined ? undefined : new BreakpointJudge(breakpointScenario);
    const onIntervalComplete = (report: IntervalReport): void => {
      const withEpoch: IntervalReport = { ...report, runEpochMs };
      for (const output of options.outputs) output.interval(withEpoch);
      checkpoint(report.endUs);
      // The knee is found: stop planning new operations. The run still ends `completed`: finding it is the run's purpose.
      if (breakpoint?.add(report) === true && endReason === 'completed') pool?.broadcast({ type: 'stop', reason: 'threshold-abort' });
    };
    const aggregator = new RunAggregator(workerCount, { onIntervalComplete });
    const canAbortOnThreshold = profile.thresholds.some((threshold) => threshold.abortOnFail);
    let endReason: RunSummary['run']['endReason'] = 'completed';
    let readyCount = 0;
    let doneCount = 0;
    let runEpochMs = 0;
    let lastIntervalShown = -1;
    let workerError: PacsLoadError | undefined;
    let workerFailure: RunSummary['workerFailure'];
    const doneWorkers = new Set<number>();
    const acknowledged: AcknowledgedInstance[] = [];
    let acknowledgedNotKept = 0;
    const stored = new StoredCounts();
    let resolveAllDone: () => void = () => {};
    const allDone = new Promise<void>((resolve) => (resolveAllDone = resolve));

    const stopWorkers = (reason: 'interrupted' | 'threshold-abort' | 'worker-failed'): void => {
      if (endReason !== 'completed') return;
      endReason = reason;
      // Workers stop the same way whatever the reason: stop planning, let in-flight work finish.
      pool?.broadcast({ type: 'stop', reason: reason === 'worker-failed' ? 'interrupted' : reason });
    };
    /**
     * A worker failed (threw, or its thread died). Before time zero nothing was
     * measured: the run fails with the worker's error. After it, the run ends
     * early rather than going on without the failed worker's share (the offered
     * load would silently drop, and the figures would be wrong for the profile),
     * and the summary is still built from everything measured, with `workerFailure`.
     */
    const onWorkerFailed = (workerIndex: number, error: PacsLoadError): void => {
      workerError ??= error;
      if (runEpochMs > 0) {
        workerFailure ??= { workerIndex, code: error.code, message: error.message };
        stopWorkers('worker-failed');
      } else {
        stopWorkers('interrupted');
      }
    };

    const onMessage = (message: WorkerMessage): void => {
      switch (message.type) {
        case 'ready':
          readyCount++;
          if (readyCount === workerCount) {
            if (endReason !== 'completed') {
              // Interrupted before time zero (a signal during start-up): start nothing,
              // and tell the workers, which may have missed the first stop while loading.
              pool?.broadcast({ type: 'stop', reason: 'interrupted' });
              return;
            }
            const nowMs = performance.timeOrigin + performance.now();
            if (options.startAtEpochMs !== undefined && options.startAtEpochMs < nowMs) {
              // Starting late would put this instance out of step with the others of the split.
              workerError ??= new PacsLoadError(
                'ERR_START_MISSED',
                `--start-at ${new Date(options.startAtEpochMs).toISOString()} passed before the workers were ready (${new Date(nowMs).toISOString()}).`,
                { hint: 'Choose a start time further ahead, so every instance has time to start its workers (allow a minute or more on Kubernetes).' },
              );
              stopWorkers('interrupted');
              return;
            }
            runEpochMs = options.startAtEpochMs ?? nowMs + START_DELAY_MS;
            options.onWorkersReady?.(runEpochMs);
            pool?.broadcast({ type: 'start', runEpochMs });
            // An embedded simulator's stallAt counts from the run's time zero, and its random faults start then.
            simulator?.holdFaultsUntil(runEpochMs - performance.timeOrigin);
            simulator?.startFaultClock(runEpochMs - performance.timeOrigin);
          }
          return;
        case 'snapshot': {
          aggregator.add(message.snapshot);
          const live = aggregator.latestCompleteInterval();
          if (live !== undefined && live.sequence > lastIntervalShown) {
            lastIntervalShown = live.sequence;
            // Merging every run histogram each second costs the coordinator: only when a threshold can abort.
            if (!canAbortOnThreshold) return;
            const failing = shouldAbort(profile.thresholds, aggregator.operationSummaries(), live.status.elapsedUs);
            if (failing.length > 0) stopWorkers('threshold-abort');
          }
          return;
        }
        case 'stored':
          stored.add(message.chunk);
          return;
        case 'acknowledged':
          for (const instance of message.instances) acknowledged.push(instance);
          acknowledgedNotKept += message.notKept;
          return;
        case 'done':
          aggregator.workerDone(message.workerIndex);
          doneWorkers.add(message.workerIndex);
          doneCount++;
          if (doneCount === workerCount) resolveAllDone();
          return;
        case 'error':
          onWorkerFailed(
            message.workerIndex,
            new PacsLoadError(message.error.code, message.error.message, { hint: message.error.hint, problems: message.error.problems }),
          );
          return;
      }
    };

    const onInterrupt = (): void => stopWorkers('interrupted');
    options.interrupt?.addEventListener('abort', onInterrupt, { once: true });
    if (options.interrupt?.aborted === true) onInterrupt();
    const onForceStop = (): void => {
      stopWorkers('interrupted');
      pool?.broadcast({ type: 'stop', reason: 'interrupted', cutOff: true });
    };
    options.forceStop?.addEventListener('abort', onForceStop, { once: true });

    const resolvedProfile: ResolvedProfile = { ...profile, target };
    pool = startWorkerPool({
      workerFilename: options.workerFilename ?? defaultWorkerFilename(),
      tasks: Array.from({ length: workerCount }, (_, workerIndex) => ({
        workerIndex,
        workerCount,
        profile: resolvedProfile,
        seed,
        identity,
        env: { ...options.env },
        verify: options.verify === true,
        ...(options.segment === undefined ? {} : { executionSegment: options.segment }),
        ...(options.allowUnmarkedData === true ? { allowUnmarkedData: true } : {}),
      })),
      onMessage,
      onTaskFailed: (workerIndex, error) => {
        onWorkerFailed(workerIndex, error);
        // Its thread is gone: it sends no more snapshots and no `done`.
        if (doneWorkers.has(workerIndex)) return;
        doneWorkers.add(workerIndex);
        aggregator.workerDone(workerIndex);
        doneCount++;
        if (doneCount === workerCount) resolveAllDone();
      },
    });
    try {
      // Snapshots travel on the task's own port, the task's result on piscina's:
      // wait for both so no snapshot is still queued when the summary is built.
      // `settled`, not `done`: after one worker fails, the others still finish.
      await Promise.all([pool.settled, allDone]);
    } finally {
      options.interrupt?.removeEventListener('abort', onInterrupt);
      options.forceStop?.removeEventListener('abort', onForceStop);
    }
    // Failed before time zero: nothing was measured.
    if (workerError !== undefined && workerFailure === undefined) throw workerError;

    const endedAt = new Date();
    let verify: VerifySummary | undefined;
    if (options.verify === true) {
      // Fixed identities and `duplicateSends` re-send on purpose: their duplicates do not fail the check.
      const intended = duplicatesIntended(identity, profile);
      // After endedAt: the check is not part of the measured run.
      verify =
        // Set by the message handler: TypeScript cannot see that it may have changed.
        (endReason as RunSummary['run']['endReason']) === 'interrupted' || workerFailure !== undefined
          ? uncheckedVerify(acknowledged, acknowledgedNotKept, `not checked: the run ${workerFailure === undefined ? 'was interrupted' : 'ended with a worker failure'}`, intended)
          : await verifyTarget(target, acknowledged, acknowledgedNotKept, options.env, intended);
    }
    const summaries = aggregator.operationSummaries();
    const thresholds = evaluateThresholds(profile.thresholds, summaries);
    const summary = buildSummary({ run: runInfo(endedAt, endReason), aggregator, thresholds, operations: summaries });
    summary.identities = identitySummary(identity, profile);
    const storedSummary = stored.summary(profile);
    if (storedSummary !== undefined) summary.stored = storedSummary;
    if (verify !== undefined) summary.verify = verify;
    if (breakpoint !== undefined) summary.breakpoint = breakpoint.finish();
    const archiveSizeBytes = options.archiveSizeBytes ?? profile.migration?.archiveSizeBytes;
    if (profile.migration !== undefined || options.archiveSizeBytes !== undefined) summary.migration = migrationSummary(summary.operations, archiveSizeBytes);
    if (workerFailure !== undefined) summary.workerFailure = workerFailure;
    if (seeded !== undefined) summary.seedPriors = seeded;
    // A checkpoint still being written must not land after the final summary.
    await checkpointing;
    // Outputs that deliver elsewhere (InfluxDB) go first, so the summary file and
    // reports written after them can say what was delivered.
    for (const output of options.outputs.filter((candidate) => candidate.delivers === true)) {
      const delivery = await output.stop(summary);
      if (delivery !== undefined) summary.outputs = { ...summary.outputs, [output.name]: delivery };
    }
    for (const output of options.outputs.filter((candidate) => candidate.delivers !== true)) await output.stop(summary);
    return {
      summary,
      thresholdsPassed: thresholds.every((result) => result.passed),
      ...(workerFailure === undefined || workerError === undefined ? {} : { workerError }),
    };
  } finally {
    await pool?.close();
    await simulator?.close();
  }
}

/** The summary's `identities`: the mode, the run component, the root, and whether duplicates were meant. */
function identitySummary(identity: IdentitySettings, profile: ResolvedProfile): IdentitySummary {
  return {
    mode: identity.mode,
    runComponent: identity.runComponent,
    uidRoot: identity.uidRoot ?? DEFAULT_UID_ROOT,
    duplicatesIntended: duplicatesIntended(identity, profile),
  };
}

/** `fixed` identities re-send on purpose, and so does a scenario with `duplicateSends`. */
export function duplicatesIntended(identity: Pick<IdentitySettings, 'mode'>, profile: ResolvedProfile): boolean {
  return identity.mode === 'fixed' || profile.scenarios.some((scenario) => (scenario.params.duplicateSends ?? 0) > 0);
}

/**
 * Of a run split over instances (`--segment`), one seeds the priors for all:
 * the one that owns item 0 (exactly one of any split does).
 */
function seedsPriors(segment: ExecutionSegment | undefined): boolean {
  return segment === undefined || executionOwns(segment, 0);
}

/**
 * `seedPriors`: stores the prior studies, tells the outputs' user what was
 * stored, and fails the run when nothing could be (ERR_SEED_FAILED); an
 * interrupt during seeding is left to the run, which then starts nothing.
 */
async function seedPriorsStep(
  settings: SeedPriorsSettings,
  target: ResolvedTarget,
  options: RunLoadOptions,
  seed: number,
  where: string,
): Promise<SeedPriorsSummary> {
  options.onSeedingPriors?.(settings);
  const seeded = await seedPriors({ settings, target, env: options.env, seed, uidRoot: options.profile.options.uidRoot, ...(options.interrupt === undefined ? {} : { signal: options.interrupt }) });
  options.onPriorsSeeded?.(seeded);
  if (seeded.studiesStored === 0 && options.interrupt?.aborted !== true) throw seedFailedError(seeded, where);
  return seeded;
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
  intended: boolean,
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
    const dimse = target.dimse === undefined ? undefined : { ...target.dimse, ...resolveDimseSecurity(target.dimse, env) };
    return await verifyStored({ target: dimse, dicomweb, instances, notKept, duplicatesIntended: intended });
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
