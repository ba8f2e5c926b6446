/**
 * What the Query/Retrieve operations share: the prior lookup a modality or a
 * reading workstation runs for the patient in front of it (docs/architecture.md section 6:
 * about 10 priors per patient, 45% with none). Study Root C-FIND at study level
 * by Patient ID (PS3.4 C.6.2.1), then, if asked, at series level for the studies
 * found, with their UIDs as a list (hierarchical query, UID list matching,
 * PS3.4 C.4.1.2.2 and C.2.2.2.2).
 */
import { runAssociation } from '../protocol/dimse/association.js';
import type { DcmjsResponse } from '../protocol/dimse/dcmjs.js';
import type { AssociationResult } from '../protocol/dimse/association.js';
import { createStudyRootFindRequest } from '../protocol/dimse/qr-requests.js';
import { isPendingStatus } from '../protocol/dimse/status.js';
import type { DimseTarget } from '../profile/types.js';
import { patientNumberOfIteration, syntheticPatientId } from '../synth/synthetic-patients.js';
import type { OperationResult } from './types.js';
import { toOperationResult } from './dimse-target.js';

export type PriorLookupLevel = 'study' | 'series';

/**
 * Default number of synthetic patients the Q/R operations go round (PLSYN-000001
 * upwards) when the profile seeds no priors; with `seedPriors`, the seeded
 * patients (src/profile/schema.ts fills `patients` in).
 */
export const DEFAULT_QR_PATIENTS = 100;

/**
 * The synthetic patient of an iteration, round robin over `patients`: the
 * population the prior seeding stores studies for (src/synth/synthetic-patients.ts).
 */
export function priorPatientId(iteration: number, patients: number): string {
  return syntheticPatientId(patientNumberOfIteration(iteration, patients));
}

/** The study-level identifier: Patient ID to match, the keys a prior list shows to return (PS3.4 C.6.2.1.2). */
export function studyQueryIdentifier(patientId: string): Record<string, unknown> {
  return {
    QueryRetrieveLevel: 'STUDY',
    PatientID: patientId,
    PatientName: '',
    StudyInstanceUID: '',
    StudyDate: '',
    StudyTime: '',
    AccessionNumber: '',
    StudyDescription: '',
    ModalitiesInStudy: '',
    NumberOfStudyRelatedSeries: '',
    NumberOfStudyRelatedInstances: '',
  };
}

/** The series-level identifier for the studies found (PS3.4 C.6.2.1.3). */
export function seriesQueryIdentifier(studyInstanceUids: readonly string[]): Record<string, unknown> {
  return {
    QueryRetrieveLevel: 'SERIES',
    // A multi-valued UI: dcmjs writes the array as a backslash-separated list (PS3.5 section 6.4).
    StudyInstanceUID: [...studyInstanceUids],
    SeriesInstanceUID: '',
    Modality: '',
    SeriesNumber: '',
    SeriesDescription: '',
    NumberOfSeriesRelatedInstances: '',
  };
}

export interface PriorLookup {
  result: OperationResult;
  /** Study Instance UIDs found, newest study first. */
  studyInstanceUids: string[];
  /** Series found (series level only; 0 otherwise). */
  seriesCount: number;
  /** Identifiers the target returned, both levels together (C-FIND pending responses, PS3.4 C.4.1.1.3.2). */
  matches: number;
}

/**
 * Runs the prior lookup for one patient: one association at study level, and
 * for `series` a second one at series level when studies were found. Resolves
 * whatever the target did; the outcome is the first that is not a success.
 */
export async function lookUpPriors(
  target: DimseTarget,
  patientId: string,
  level: PriorLookupLevel,
  signal: AbortSignal,
): Promise<PriorLookup> {
  const studies = await runAssociation({ ...target, requests: [createStudyRootFindRequest(studyQueryIdentifier(patientId))], signal });
  const studyMatches = matches(studies);
  const found = studyMatches
    .map((identifier) => ({ uid: textOf(identifier.StudyInstanceUID), date: textOf(identifier.StudyDate) }))
    .filter((study) => study.uid !== '')
    .sort((a, b) => (a.date === b.date ? 0 : a.date < b.date ? 1 : -1));
  const studyInstanceUids = found.map((study) => study.uid);
  const studyResult = toOperationResult(studies);
  if (level === 'study' || studyInstanceUids.length === 0 || !isSuccess(studyResult)) {
    return { result: studyResult, studyInstanceUids, seriesCount: 0, matches: studyMatches.length };
  }
  const series = await runAssociation({ ...target, requests: [createStudyRootFindRequest(seriesQueryIdentifier(studyInstanceUids))], signal });
  const seriesCount = matches(series).length;
  return { result: combineResults(studyResult, toOperationResult(series)), studyInstanceUids, seriesCount, matches: studyMatches.length + seriesCount };
}

/**
 * The outcome when a prior lookup or retrieve found nothing: `empty` when the
 * scenario expects something (`expectMatches`), else the answer's own (ok).
 * Only a successful answer can be empty; a failure keeps its own outcome.
 */
export function emptyUnlessExpected(result: OperationResult, expectMatches: boolean, reason: string): OperationResult {
  if (!expectMatches || !isSuccess(result)) return result;
  return { ...result, outcome: { kind: 'empty', reason } };
}

/** The identifiers of the pending responses (PS3.4 C.4.1.1.3.2): one per match. */
function matches(association: AssociationResult): Array<Record<string, unknown>> {
  return association.responses
    .filter((response) => isPendingStatus(response.status) && response.dataset !== undefined)
    .map((response) => response.dataset?.getElements() ?? {});
}

/**
 * Two steps of one operation as one result: bytes add up, the setup time is the
 * first association's, the outcome is the first that is not a success.
 */
export function combineResults(first: OperationResult, second: OperationResult): OperationResult {
  const combined: OperationResult = {
    outcome: isSuccess(first) ? (second.outcome.kind === 'ok' ? first.outcome : second.outcome) : first.outcome,
    bytesSent: first.bytesSent + second.bytesSent,
    bytesReceived: first.bytesReceived + second.bytesReceived,
  };
  const setupUs = first.setupUs ?? second.setupUs;
  if (setupUs !== undefined) combined.setupUs = setupUs;
  return combined;
}

export function isSuccess(result: OperationResult): boolean {
  return result.outcome.kind === 'ok' || result.outcome.kind === 'dimse-warning';
}

function textOf(value: unknown): string {
  const single: unknown = Array.isArray(value) ? value[0] : value;
  return typeof single === 'string' ? single.trim() : '';
}

/** Sub-operation counts of a C-MOVE or C-GET final response (PS3.4 C.4.2.1.5, C.4.3.1.5). */
export interface SubOperationCounts {
  completed: number;
  failed: number;
  warning: number;
}

/**
 * The counts of the last response seen on `request` that carried any, read as
 * they arrive; undefined when no response carried them (they are optional in a
 * final response with status success, PS3.4 C.4.2.1.5).
 */
export function watchSubOperations(request: { on(event: 'response', listener: (response: DcmjsResponse) => void): unknown }): () => SubOperationCounts | undefined {
  let counts: SubOperationCounts | undefined;
  request.on('response', (response) => {
    const counted = response as DcmjsResponse & {
      getCompleted(): number | undefined;
      getFailures(): number | undefined;
      getWarnings(): number | undefined;
    };
    const [completed, failed, warning] = [counted.getCompleted(), counted.getFailures(), counted.getWarnings()];
    if (completed === undefined && failed === undefined && warning === undefined) return;
    counts = { completed: completed ?? 0, failed: failed ?? 0, warning: warning ?? 0 };
  });
  return () => counts;
}

