/**
 * `qr.find`: the prior lookup by Patient ID (docs/architecture.md sections 4 and 6), Study
 * Root C-FIND at study level, or at study then series level (`level: series`).
 * The patient is PLSYN-nnnnnn, round robin over `patients` by iteration: the
 * patients a profile's `seedPriors` stores priors for (src/operations/seed-priors.ts).
 *
 * Records the identifiers returned (`matches`, both levels together). No study
 * for the patient (or, at series level, no series in the studies found) is the
 * `empty` outcome unless the scenario says `expectMatches: false`.
 */
import { expectsMatches } from '../profile/expect-matches.js';
import { requireDimseTarget } from './dimse-target.js';
import { DEFAULT_QR_PATIENTS, emptyUnlessExpected, lookUpPriors, priorPatientId } from './qr-priors.js';
import type { Operation, OperationFactory } from './types.js';

/** Throws PacsLoadError when the profile has no DIMSE target; never during `run()`. */
export const createQrFind: OperationFactory = (setup) => {
  const target = requireDimseTarget(setup, 'qr.find');
  const patients = setup.params.patients ?? DEFAULT_QR_PATIENTS;
  const level = setup.params.level ?? 'study';
  const expectMatches = expectsMatches('qr.find', setup.params);
  const operation: Operation = {
    name: 'qr.find',
    async run({ iteration, signal }) {
      const patientId = priorPatientId(iteration, patients);
      const lookup = await lookUpPriors(target, patientId, level, signal);
      const result = { ...lookup.result, matches: lookup.matches };
      if (lookup.studyInstanceUids.length === 0) return emptyUnlessExpected(result, expectMatches, `no studies for patient ${patientId}`);
      if (level === 'series' && lookup.seriesCount === 0) {
        return emptyUnlessExpected(result, expectMatches, `no series in the ${lookup.studyInstanceUids.length} studies of patient ${patientId}`);
      }
      return result;
    },
    close: () => Promise.resolve(),
  };
  return operation;
};
