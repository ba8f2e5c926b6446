/**
 * `qr.get`: retrieve a prior on the query association itself (docs/architecture.md section 4).
 * The prior lookup (qr-priors.ts) finds the patient's newest prior; a
 * study-level C-GET (PS3.4 C.4.3) brings its instances back as C-STORE
 * sub-operations on the same association, which the tool accepts (SCP role
 * negotiated for every storage SOP class, PS3.7 D.3.3.4), counts and discards.
 * Patients without priors (45%, docs/architecture.md section 6) cost only the query.
 *
 * Outcome: the C-GET's final status (PS3.4 C.4.3.1.5): success; B000 (one or
 * more sub-operations failed or had warnings) is a warning; A7xx, A900, Cxxx are
 * failures. When the target reports more completed sub-operations than arrived,
 * the outcome is `check-failed`.
 *
 * Records the lookup's matches and the instances retrieved (the C-STORE
 * sub-operations that arrived). No prior for the patient, or a C-GET that
 * completed no sub-operation, is the `empty` outcome unless the scenario says
 * `expectMatches: false`.
 */
import { runAssociation } from '../protocol/dimse/association.js';
import { createStudyGetRequest } from '../protocol/dimse/qr-requests.js';
import { STATUS_SUCCESS } from '../protocol/dimse/status.js';
import { requireDimseTarget, toOperationResult } from './dimse-target.js';
import { expectsMatches } from '../profile/expect-matches.js';
import { DEFAULT_QR_PATIENTS, combineResults, emptyUnlessExpected, isSuccess, lookUpPriors, priorPatientId, watchSubOperations } from './qr-priors.js';
import type { DimseTarget } from '../profile/types.js';
import type { Operation, OperationFactory, OperationResult } from './types.js';

export interface RetrieveCount {
  /** With `matches` (the lookup's) and `instancesRetrieved` (= `received`) set. */
  result: OperationResult;
  /** C-STORE sub-operations that arrived on the association. */
  received: number;
  /** A C-GET was sent: the lookup succeeded and found a prior. */
  retrieved: boolean;
}

/** Throws PacsLoadError when the profile has no DIMSE target; never during `run()`. */
export const createQrGet: OperationFactory = (setup) => {
  const target = requireDimseTarget(setup, 'qr.get');
  const patients = setup.params.patients ?? DEFAULT_QR_PATIENTS;
  const expectMatches = expectsMatches('qr.get', setup.params);
  const operation: Operation = {
    name: 'qr.get',
    async run({ iteration, signal }) {
      const patientId = priorPatientId(iteration, patients);
      const { result, received, retrieved } = await getNewestPrior(target, patientId, signal);
      if (!retrieved) return emptyUnlessExpected(result, expectMatches, `no studies for patient ${patientId}`);
      if (received === 0) return emptyUnlessExpected(result, expectMatches, `C-GET of the newest prior of ${patientId} completed no sub-operation`);
      return result;
    },
    close: () => Promise.resolve(),
  };
  return operation;
};

/** The prior lookup and C-GET of the newest prior of `patientId`, with the number of instances that arrived. */
export async function getNewestPrior(
  target: DimseTarget,
  patientId: string,
  signal: AbortSignal,
): Promise<RetrieveCount> {
  const lookup = await lookUpPriors(target, patientId, 'study', signal);
  const newest = lookup.studyInstanceUids[0];
  if (newest === undefined || !isSuccess(lookup.result)) {
    return { result: { ...lookup.result, matches: lookup.matches, instancesRetrieved: 0 }, received: 0, retrieved: false };
  }
  const request = createStudyGetRequest(newest);
  const counts = watchSubOperations(request);
  let received = 0;
  const association = await runAssociation({
    ...target,
    requests: [request],
    signal,
    onStoreRequest: () => {
      received++;
      return STATUS_SUCCESS;
    },
  });
  let retrieved = toOperationResult(association);
  const reported = counts();
  if (isSuccess(retrieved) && reported !== undefined && reported.completed + reported.warning > received) {
    retrieved = {
      ...retrieved,
      outcome: { kind: 'check-failed', reason: `the target reported ${reported.completed + reported.warning} sub-operations done, ${received} arrived` },
    };
  }
  const result: OperationResult = { ...combineResults(lookup.result, retrieved), matches: lookup.matches, instancesRetrieved: received };
  return { result, received, retrieved: true };
}
