/**
 * Scales a ResolvedProfile down (or up) in time and load so a profile written
 * for minutes runs in a few seconds in a test: every duration is multiplied by
 * one time factor (chosen so the longest scenario, start offset included, lasts
 * `durationUs`), every rate and user count by `rateFactor`. With
 * `rateFactor = 1 / timeFactor` the number of operations is kept (time compressed).
 * Breakpoint executors are scaled too when present (rates and step length).
 */
import { runLoad } from '../../src/coordinator/run-load.js';
import type { RunSummary } from '../../src/metrics/types.js';
import type { ExecutorSpec, ResolvedProfile, ResolvedScenario, ResolvedTarget } from '../../src/profile/types.js';
import { breakpointSteps } from '../../src/scheduler/breakpoint.js';
import { startSimulator } from '../../src/simulator/index.js';
import { WORKER_PATH } from './cli.js';

export interface ScaleOptions {
  /** The longest scenario (startAfter + its length) lasts this long after scaling. */
  durationUs: number;
  /** Multiplies every rate and user count (users are rounded, at least 1). Default 1. */
  rateFactor?: number;
  /** Graceful stop of every scenario after scaling (default: scaled, at most 5 s). */
  gracefulStopUs?: number;
}

/** A scaled copy; `timeFactor` is what durations were multiplied by. */
export function scaleProfile(profile: ResolvedProfile, options: ScaleOptions): { profile: ResolvedProfile; timeFactor: number } {
  const longestUs = Math.max(...profile.scenarios.map((scenario) => scenario.startAfterUs + executorLengthUs(scenario.executor)));
  const timeFactor = options.durationUs / longestUs;
  const rateFactor = options.rateFactor ?? 1;
  const time = (us: number): number => Math.max(1, Math.round(us * timeFactor));
  const scenarios = profile.scenarios.map(
    (scenario): ResolvedScenario => ({
      ...scenario,
      startAfterUs: Math.round(scenario.startAfterUs * timeFactor),
      gracefulStopUs: options.gracefulStopUs ?? Math.min(5_000_000, Math.round(scenario.gracefulStopUs * timeFactor)),
      executor: scaleExecutor(scenario.executor, time, rateFactor),
    }),
  );
  return { profile: { ...profile, scenarios }, timeFactor };
}

/** How long an executor runs (iterations: its maxDuration). */
export function executorLengthUs(executor: ExecutorSpec): number {
  switch (executor.type) {
    case 'constant-arrival-rate':
    case 'constant-concurrency':
      return executor.durationUs;
    case 'ramping-arrival-rate':
    case 'ramping-concurrency':
      return executor.stages.reduce((sum, stage) => sum + stage.durationUs, 0);
    case 'iterations':
      return executor.maxDurationUs;
    case 'breakpoint':
      return breakpointSteps(executor).length * executor.stepDurationUs;
  }
}

function scaleExecutor(executor: ExecutorSpec, time: (us: number) => number, rateFactor: number): ExecutorSpec {
  const users = (n: number): number => Math.max(1, Math.round(n * rateFactor));
  switch (executor.type) {
    case 'constant-arrival-rate':
      return { ...executor, ratePerSec: executor.ratePerSec * rateFactor, durationUs: time(executor.durationUs) };
    case 'ramping-arrival-rate':
      return {
        ...executor,
        startRatePerSec: executor.startRatePerSec * rateFactor,
        stages: executor.stages.map((stage) => ({ durationUs: time(stage.durationUs), targetPerSec: stage.targetPerSec * rateFactor })),
      };
    case 'constant-concurrency':
      return { ...executor, users: users(executor.users), durationUs: time(executor.durationUs) };
    case 'ramping-concurrency':
      return {
        ...executor,
        startUsers: executor.startUsers === 0 ? 0 : users(executor.startUsers),
        stages: executor.stages.map((stage) => ({ durationUs: time(stage.durationUs), targetUsers: stage.targetUsers === 0 ? 0 : users(stage.targetUsers) })),
      };
    case 'iterations':
      return { ...executor, iterations: users(executor.iterations), maxDurationUs: time(executor.maxDurationUs) };
    case 'breakpoint':
      return {
        ...executor,
        startRatePerSec: executor.startRatePerSec * rateFactor,
        stepRatePerSec: executor.stepRatePerSec * rateFactor,
        maxRatePerSec: executor.maxRatePerSec * rateFactor,
        stepDurationUs: time(executor.stepDurationUs),
      };
  }
}

/**
 * Runs `profile` (which has no target) against an embedded simulator started
 * here with generous timeouts (connect 30 s), so a busy CI machine's scheduling
 * stalls are not counted as target timeouts; the built worker is used
 * (`npm run build` first). The simulator is closed afterwards.
 */
export async function runOnSimulator(profile: ResolvedProfile, options: { workers?: number } = {}): Promise<RunSummary> {
  // As runLoad starts it: a profile that seeds its priors meets an empty prior archive.
  const simulator = await startSimulator({ settings: profile.simulator, seed: profile.options.seed ?? 1, generatedPriors: profile.seedPriors === undefined });
  try {
    const base = simulator.target;
    const target: ResolvedTarget = {
      dimse: base.dimse === undefined ? undefined : { ...base.dimse, connectTimeoutUs: 30_000_000, operationTimeoutUs: 60_000_000 },
      dicomweb: base.dicomweb === undefined ? undefined : { ...base.dicomweb, operationTimeoutUs: 60_000_000 },
    };
    const { summary } = await runLoad({ profile: { ...profile, target }, workers: options.workers ?? 2, outputs: [], env: {}, workerFilename: WORKER_PATH });
    return summary;
  } finally {
    await simulator.close();
  }
}
