/**
 * The soak's "nothing lost" checks (issue 10, item 6): the run's own counts
 * (summary JSON) beside the simulator's (`pacs-load simulate --stats-file`),
 * taken as differences from a baseline written after the workers were ready
 * and before time zero, so the look-ups and warm-up before time zero (never
 * counted as operations) are left out.
 *
 * Two kinds of check, each with what it compares and the slack it allows:
 * - requests: per operation, the operations the run counted (every outcome)
 *   against the requests the simulator received;
 * - faults: the failures the run counted against the faults the simulator
 *   injected (error rate, `simulator.faults`), per side.
 * A slack is never a fudge factor: it is the number of operations whose
 * outcome can hide a request or a fault (a study that failed mid-way), and
 * each check says where it comes from.
 */
import type { OperationSummary, RunSummary } from '../src/metrics/types.js';
import type { SimulatorStats } from '../src/simulator/index.js';
import type { FaultKind } from '../src/profile/types.js';

export interface CountCheck {
  name: string;
  /** What the run counted. */
  run: number;
  /** What the simulator counted (difference from the baseline). */
  simulator: number;
  /** |run - simulator| allowed; 0 for an exact check. */
  slack: number;
  passed: boolean;
  /** How the two sides are counted and why the slack. */
  note: string;
}

/** Operations the soak runs, by protocol. */
export const SOAK_DIMSE_OPERATIONS = ['mwl.find', 'mpps.inProgress', 'dimse.store'] as const;
export const SOAK_HTTP_OPERATIONS = ['qido.studies', 'wado.frames'] as const;

/**
 * Operations that are not 1:1 with a simulator counter, and why; the soak
 * does not run them (or checks them with a bound).
 */
export const NOT_ONE_TO_ONE: Readonly<Record<string, string>> = {
  'dimse.store':
    'one operation is a whole study (one C-STORE per image); the run counts the images answered (`requests`), the simulator every C-STORE received, including the one in flight when a fault ended the association',
  'mpps.completed':
    'one N-SET, plus an N-CREATE when this worker has no open step: one or two requests per operation, and the summary counts one',
  'wado.frames / qido.series / qido.instances / wado.metadata':
    'each worker looks up the studies, series and instances once (QIDO-RS, before time zero) and these requests belong to no operation; the baseline at time zero removes them, unless a look-up failed before time zero and was finished by later runs',
  'viewer.open': 'one operation is many requests (QIDO, metadata, frames)',
  'dimse.echo / qr.*': 'not in the soak: the preflight, the warm-up and C-MOVE sub-operations add requests of the same kinds',
};

function operationOf(summary: RunSummary, name: string): OperationSummary[] {
  return summary.operations.filter((operation) => operation.operation === name);
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Completed operations (every outcome) of these operation names. */
function completed(summary: RunSummary, names: readonly string[]): number {
  return sum(names.flatMap((name) => operationOf(summary, name).map((operation) => operation.completed)));
}

/** Outcome counts of these operation names whose key matches. */
function outcomes(summary: RunSummary, names: readonly string[], matches: (key: string) => boolean): number {
  return sum(
    names.flatMap((name) =>
      operationOf(summary, name).flatMap((operation) => Object.entries(operation.outcomes).filter(([key]) => matches(key)).map(([, count]) => count)),
    ),
  );
}

function isSuccess(key: string): boolean {
  return key === 'ok' || key.startsWith('dimse_warning_');
}

function isStatus(key: string): boolean {
  return /^http_\d+$/.test(key) || key.startsWith('dimse_failure_');
}

function faultCount(counts: Partial<Record<FaultKind, number>>, kinds: readonly FaultKind[]): number {
  return sum(kinds.map((kind) => counts[kind] ?? 0));
}

function delta(end: Partial<Record<FaultKind, number>>, start: Partial<Record<FaultKind, number>>): Partial<Record<FaultKind, number>> {
  const result: Partial<Record<FaultKind, number>> = {};
  for (const kind of Object.keys(end) as FaultKind[]) result[kind] = (end[kind] ?? 0) - (start[kind] ?? 0);
  return result;
}

function check(name: string, run: number, simulator: number, slack: number, note: string): CountCheck {
  return { name, run, simulator, slack, passed: Math.abs(run - simulator) <= slack, note };
}

/** Injected kinds whose effect is not a failure (the answer still arrives, slowly). */
const NOT_A_FAILURE: readonly FaultKind[] = ['slowDrip'];

export interface SoakCountInput {
  summary: RunSummary;
  /** Simulator counters after the workers were ready, before time zero. */
  baseline: SimulatorStats;
  /** Simulator counters after it stopped. */
  final: SimulatorStats;
  /** Images per dimse.store study (the profile's `images`). */
  imagesPerStudy: number;
}

/** Every count check of the soak (see the file comment), in report order. */
export function soakCountChecks(input: SoakCountInput): CountCheck[] {
  const { summary, baseline, final, imagesPerStudy } = input;
  const dimse = (pick: (stats: SimulatorStats['dimse']) => number): number => pick(final.dimse) - pick(baseline.dimse);
  const http = (pick: (stats: SimulatorStats['dicomweb']) => number): number => pick(final.dicomweb) - pick(baseline.dicomweb);
  const dimseInjected = delta(final.dimse.injectedFaults, baseline.dimse.injectedFaults);
  const httpInjected = delta(final.dicomweb.injectedFaults, baseline.dicomweb.injectedFaults);
  const store = operationOf(summary, 'dimse.store');
  const storeFailed = sum(store.map((operation) => operation.failed));
  const storeUnanswered = outcomes(summary, ['dimse.store'], (key) => !isSuccess(key) && !key.startsWith('dimse_failure_'));
  // A look-up that failed before time zero is finished by later runs, with requests no operation counts.
  const lookupFaults = baselineLookupFaults(baseline);
  // A timeout is the tool's own deadline (an overloaded machine, or a stall longer than the
  // timeouts), not an injected fault: the request may or may not have reached the simulator.
  const timeouts = (names: readonly string[]): number => outcomes(summary, names, (key) => key === 'timeout');
  const checks: CountCheck[] = [];

  checks.push(
    check(
      'mwl.find: operations = C-FIND requests received',
      completed(summary, ['mwl.find']),
      dimse((stats) => stats.findRequests),
      timeouts(['mwl.find']),
      `one association with one C-FIND per operation; no other scenario sends C-FIND${timeoutNote(timeouts(['mwl.find']))}`,
    ),
  );
  // The MPPS store counts N-CREATEs only past the error-rate draw; the error-rate failures of
  // MPPS are the DIMSE side's minus those C-ECHO, C-FIND and C-STORE count themselves.
  const mppsErrorRate = dimse((stats) => stats.errorRateFailures) - dimse((stats) => stats.failuresInjected);
  checks.push(
    check(
      'mpps.inProgress: operations = N-CREATE requests received',
      completed(summary, ['mpps.inProgress']),
      dimse((stats) => stats.mpps.creates) + mppsErrorRate,
      timeouts(['mpps.inProgress']),
      `one association with one N-CREATE per operation; the simulator counts N-CREATEs it stored or refused plus those the error rate failed${timeoutNote(timeouts(['mpps.inProgress']))}`,
    ),
  );
  const storeRequests = sum(store.map((operation) => operation.requests ?? operation.completed));
  checks.push(
    check(
      'dimse.store: images answered = C-STORE requests received',
      storeRequests,
      dimse((stats) => stats.storeRequests),
      storeUnanswered,
      `the run counts the images that got an answer (at least 1 per study); a study ended by a lost association leaves one C-STORE received but unanswered: slack = those studies (${storeUnanswered})`,
    ),
  );
  checks.push(
    check(
      'DIMSE operations = associations requested',
      completed(summary, SOAK_DIMSE_OPERATIONS),
      dimse((stats) => stats.associationsAccepted + stats.associationsRejected),
      timeouts(SOAK_DIMSE_OPERATIONS),
      `every DIMSE operation of the soak is one association (accepted or rejected)${timeoutNote(timeouts(SOAK_DIMSE_OPERATIONS))}`,
    ),
  );
  checks.push(
    check(
      'DICOMweb: requests = HTTP requests received',
      sum(SOAK_HTTP_OPERATIONS.flatMap((name) => operationOf(summary, name).map((operation) => operation.requests ?? operation.completed))),
      http((stats) => stats.requestsServed),
      (lookupFaults === 0 ? 0 : baseline.dicomweb.requestsServed) + timeouts(SOAK_HTTP_OPERATIONS),
      (lookupFaults === 0
        ? 'qido.studies and wado.frames: one request per operation; the look-ups finished before time zero'
        : `a look-up failed before time zero (${lookupFaults} faults then), so later runs finished it with requests no operation counts: slack = the requests before time zero (${baseline.dicomweb.requestsServed})`) +
        timeoutNote(timeouts(SOAK_HTTP_OPERATIONS)),
    ),
  );

  // Faults: every failure the run counted is explained by a fault the simulator injected.
  const dimseFaultKinds = (Object.keys(dimseInjected) as FaultKind[]).filter((kind) => !NOT_A_FAILURE.includes(kind));
  checks.push(
    check(
      'DIMSE: failed operations = faults injected',
      outcomes(summary, SOAK_DIMSE_OPERATIONS, (key) => !isSuccess(key)),
      dimse((stats) => stats.errorRateFailures + stats.mpps.refused) + faultCount(dimseInjected, dimseFaultKinds),
      storeFailed * Math.max(0, imagesPerStudy - 1) + timeouts(SOAK_DIMSE_OPERATIONS),
      `error-rate failures, MPPS refusals and injected DIMSE faults (${dimseFaultKinds.join(', ') || 'none'}) against operations with any failure outcome; a failed study shows one outcome for up to ${imagesPerStudy} faulted images: slack = failed studies x (images - 1)${timeoutNote(timeouts(SOAK_DIMSE_OPERATIONS))}`,
    ),
  );
  for (const status of [500, 503, 429] as const) {
    const kind = `http${status}` as FaultKind;
    const fromKnobs = status === 503 ? http((stats) => stats.errorRateFailures) : status === 429 ? http((stats) => stats.throttled) : 0;
    checks.push(
      check(
        `DICOMweb: http_${status} outcomes = ${status} answers injected`,
        outcomes(summary, SOAK_HTTP_OPERATIONS, (key) => key === `http_${status}`),
        (httpInjected[kind] ?? 0) + fromKnobs,
        lookupFaults,
        status === 503 ? 'injected http503 plus the error rate (503 with Retry-After)' : status === 429 ? 'injected http429 plus throttleRate' : 'injected http500',
      ),
    );
  }
  const httpOtherKinds = (Object.keys(httpInjected) as FaultKind[]).filter((kind) => !NOT_A_FAILURE.includes(kind) && !/^http\d+$/.test(kind));
  checks.push(
    check(
      'DICOMweb: other failures = transport faults injected',
      outcomes(summary, SOAK_HTTP_OPERATIONS, (key) => !isSuccess(key) && !isStatus(key)),
      faultCount(httpInjected, httpOtherKinds),
      lookupFaults + timeouts(SOAK_HTTP_OPERATIONS),
      `failures other than an HTTP status (reset, broken multipart: ${httpOtherKinds.join(', ') || 'none injected'}) against the transport faults injected on the DICOMweb side${timeoutNote(timeouts(SOAK_HTTP_OPERATIONS))}`,
    ),
  );
  return checks;
}

/** The note on timeouts in a check's slack, when there were any. */
function timeoutNote(count: number): string {
  return count === 0 ? '' : `; plus ${count} timeout${count === 1 ? '' : 's'} in the slack (the tool's own deadline: the request may not have arrived)`;
}

/** DICOMweb faults (any kind) injected before time zero: a look-up that failed then. */
function baselineLookupFaults(baseline: SimulatorStats): number {
  return faultCount(baseline.dicomweb.injectedFaults, Object.keys(baseline.dicomweb.injectedFaults) as FaultKind[]) +
    baseline.dicomweb.errorRateFailures +
    baseline.dicomweb.throttled;
}
