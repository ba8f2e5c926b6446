/**
 * One-line, human descriptions of a resolved profile, for `pacs-load validate`
 * and the start of a run: what will be sent, where, how fast and for how long.
 */
import { EXPECT_MATCHES_OPERATIONS, expectsMatches } from './expect-matches.js';
import type { ExecutorSpec, ResolvedProfile, ResolvedScenario, SeedPriorsSettings, ThresholdSpec } from './types.js';
import { formatDurationUs, formatPercent, formatRatePerSec } from './units.js';

/**
 * One line per scenario, e.g.
 * `worklist: mwl.find at 40/s for 5m (max 200 in flight), 200 stations, modality CT` or
 * `reading: viewer.open with 60 users for 7m`.
 */
export function describeScenario(scenario: ResolvedScenario): string {
  const parts = [`${scenario.name}: ${scenario.operation} ${describeExecutor(scenario.executor)}`];
  parts.push(...describeParams(scenario));
  if (scenario.startAfterUs > 0) parts.push(`starts after ${formatDurationUs(scenario.startAfterUs)}`);
  return parts.join(', ');
}

function describeExecutor(executor: ExecutorSpec): string {
  switch (executor.type) {
    case 'constant-arrival-rate':
      return `at ${formatRatePerSec(executor.ratePerSec)} for ${formatDurationUs(executor.durationUs)} (max ${executor.maxInFlight} in flight)`;
    case 'ramping-arrival-rate': {
      const last = executor.stages[executor.stages.length - 1]?.targetPerSec ?? executor.startRatePerSec;
      const peak = Math.max(executor.startRatePerSec, ...executor.stages.map((s) => s.targetPerSec));
      const peakText = peak > last ? `, peak ${formatRatePerSec(peak)}` : '';
      return (
        `${formatRatePerSec(executor.startRatePerSec)} -> ${formatRatePerSec(last)} over ` +
        `${formatDurationUs(sum(executor.stages.map((s) => s.durationUs)))} in ${plural(executor.stages.length, 'stage')}` +
        `${peakText} (max ${executor.maxInFlight} in flight)`
      );
    }
    case 'constant-concurrency':
      return `with ${plural(executor.users, 'user')} for ${formatDurationUs(executor.durationUs)}`;
    case 'ramping-concurrency': {
      const last = executor.stages[executor.stages.length - 1]?.targetUsers ?? executor.startUsers;
      const peak = Math.max(executor.startUsers, ...executor.stages.map((s) => s.targetUsers));
      return (
        `${executor.startUsers} -> ${plural(last, 'user')} over ` +
        `${formatDurationUs(sum(executor.stages.map((s) => s.durationUs)))} in ${plural(executor.stages.length, 'stage')}` +
        (peak > last ? `, peak ${peak}` : '')
      );
    }
    case 'iterations':
      return `${plural(executor.iterations, 'iteration')} with ${plural(executor.users, 'user')} (at most ${formatDurationUs(executor.maxDurationUs)})`;    case 'breakpoint':
      return (
        `breakpoint ${formatRatePerSec(executor.startRatePerSec)} + ${formatRatePerSec(executor.stepRatePerSec)} every ` +
        `${formatDurationUs(executor.stepDurationUs)} up to ${formatRatePerSec(executor.maxRatePerSec)} (max ${executor.maxInFlight} in flight)`
      );
  }
}

function describeParams(scenario: ResolvedScenario): string[] {
  const { params } = scenario;
  switch (scenario.operation) {
    case 'mwl.find': {
      const parts = [plural(params.stations, 'station'), `modality ${params.modality}`];
      if (params.expectItems !== undefined) parts.push(`expects ${plural(params.expectItems, 'item')}`);
      return parts;
    }
    case 'qido.studies': {
      const parts = [`modality ${params.modality}`];
      if (params.limit !== undefined) parts.push(`limit ${params.limit}`);
      return [...parts, ...describeExpectMatches(scenario)];
    }
    case 'qr.find':
    case 'qr.move':
    case 'qr.get':
      return [...(params.patients === undefined ? [] : [plural(params.patients, 'patient')]), ...describeExpectMatches(scenario)];
    case 'chain':
      return [`steps ${(params.steps ?? []).join(' -> ')}`, plural(params.stations, 'station'), `modality ${params.modality}`];
    default:
      return describeExpectMatches(scenario);
  }
}

/** A retrieval's `expectMatches` when the profile sets it (src/profile/expect-matches.ts); the default goes unsaid. */
function describeExpectMatches(scenario: ResolvedScenario): string[] {
  if (scenario.params.expectMatches === undefined || !EXPECT_MATCHES_OPERATIONS.includes(scenario.operation)) return [];
  return [expectsMatches(scenario.operation, scenario.params) ? 'an empty answer fails' : 'an empty answer is ok'];
}

/** One threshold: `mwl.find: p95 < 250ms (aborts the run, after 30s)`. */
export function describeThreshold(threshold: ThresholdSpec): string {
  let text = `${threshold.subject}: ${threshold.expression.source}`;
  if (threshold.abortOnFail) {
    text += threshold.delayAbortEvalUs > 0 ? ` (aborts the run, after ${formatDurationUs(threshold.delayAbortEvalUs)})` : ' (aborts the run)';
  }
  return text;
}

/**
 * The whole profile as lines: name, target (or the embedded simulator and its
 * fault knobs), one line per scenario and per threshold. No trailing newlines.
 */
export function describeProfile(profile: ResolvedProfile): string[] {
  const lines = [profile.description === undefined ? profile.name : `${profile.name}: ${profile.description}`];
  if (profile.target === undefined) {
    lines.push(`target: embedded simulator (${describeSimulator(profile)})`);
  } else {
    const { dimse, dicomweb } = profile.target;
    if (dimse !== undefined) {
      const options = [`calling AE ${dimse.callingAe}`];
      if (dimse.maxPduLength !== undefined) options.push(`max PDU ${dimse.maxPduLength} bytes`);
      // Names the user and the variable, never a passcode (the profile holds none).
      if (dimse.userIdentity !== undefined) {
        options.push(`user ${dimse.userIdentity.username}${dimse.userIdentity.passcodeEnv === undefined ? '' : ` with passcode from ${dimse.userIdentity.passcodeEnv}`}`);
      }
      if (dimse.tls !== undefined) options.push(dimse.tls.rejectUnauthorized ? 'TLS' : 'TLS without certificate verification');
      lines.push(`target dimse: ${dimse.calledAe}@${dimse.host}:${dimse.port} (${options.join(', ')})`);
    }
    if (dicomweb !== undefined) {
      const auth = dicomweb.auth === undefined ? '' : dicomweb.auth.kind === 'bearer' ? ', bearer token' : `, basic auth as ${dicomweb.auth.username}`;
      lines.push(`target dicomweb: ${dicomweb.baseUrl} (${plural(dicomweb.connections, 'connection')} per worker${auth})`);
    }
  }
  if (profile.seedPriors !== undefined) lines.push(`seed priors: ${describeSeedPriors(profile.seedPriors)}`);
  lines.push(`scenarios:`);
  for (const scenario of profile.scenarios) lines.push(`  ${describeScenario(scenario)}`);
  if (profile.thresholds.length > 0) {
    lines.push('thresholds:');
    for (const threshold of profile.thresholds) lines.push(`  ${describeThreshold(threshold)}`);
  }
  return lines;
}

/** `3 CR studies each for 50 patients (PLSYN-000001 to PLSYN-000050) by C-STORE, before time zero`. */
export function describeSeedPriors(seed: SeedPriorsSettings): string {
  const last = `PLSYN-${String(seed.patients).padStart(6, '0')}`;
  const patients = seed.patients === 1 ? `1 patient (${last})` : `${seed.patients} patients (PLSYN-000001 to ${last})`;
  const images = seed.images === undefined ? undefined : plural(seed.images, 'image');
  const bytes = seed.imageSizeBytes === undefined ? undefined : `${seed.imageSizeBytes} bytes`;
  const size = images === undefined ? (bytes === undefined ? '' : `${bytes} per image`) : bytes === undefined ? images : `${images} of ${bytes}`;
  return (
    `${plural(seed.studiesPerPatient, `${seed.modality} study`, `${seed.modality} studies`)}${size === '' ? '' : ` (${size})`} each for ${patients}` +
    ` by ${seed.via === 'dimse' ? 'C-STORE' : 'STOW-RS'}, before time zero`
  );
}

function describeSimulator(profile: ResolvedProfile): string {
  const { simulator } = profile;
  const { faults } = simulator;
  const parts = [
    `${plural(simulator.stations, 'station')} x ${plural(simulator.stepsPerStation, 'step')}`,
    plural(simulator.studies, 'study', 'studies'),
  ];
  if (faults.latencyUs > 0 || faults.jitterUs > 0) {
    parts.push(`latency ${formatDurationUs(faults.latencyUs)}${faults.jitterUs > 0 ? ` + up to ${formatDurationUs(faults.jitterUs)}` : ''}`);
  }
  if (faults.errorRate > 0) parts.push(`${formatPercent(faults.errorRate)} errors`);
  if (faults.stall !== undefined) {
    const every = faults.stall.everyUs === undefined ? '' : `, every ${formatDurationUs(faults.stall.everyUs)}`;
    parts.push(`stall ${formatDurationUs(faults.stall.durationUs)} at ${formatDurationUs(faults.stall.atUs)}${every}`);
  }
  if (faults.maxAssociations > 0) parts.push(`max ${plural(faults.maxAssociations, 'association')}`);
  for (const [kind, share] of Object.entries(faults.injected ?? {})) {
    if (share !== undefined && share > 0) parts.push(`${formatPercent(share)} ${kind}`);
  }
  return parts.join(', ');
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
