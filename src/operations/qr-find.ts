/**
 * `qr.find`: the prior lookup by Patient ID (DESIGN sections 4 and 6), Study
 * Root C-FIND at study level, or at study then series level (`level: series`).
 * The patient is PLSYN-nnnnnn, round robin over `patients` by iteration.
 */
import { requireDimseTarget } from './dimse-target.js';
import { DEFAULT_QR_PATIENTS, lookUpPriors, priorPatientId } from './qr-priors.js';
import type { Operation, OperationFactory } from './types.js';

/** Throws PacsLoadError when the profile has no DIMSE target; never during `run()`. */
export const createQrFind: OperationFactory = (setup) => {
  const target = requireDimseTarget(setup, 'qr.find');
  const patients = setup.params.patients ?? DEFAULT_QR_PATIENTS;
  const level = setup.params.level ?? 'study';
  const operation: Operation = {
    name: 'qr.find',
    async run({ iteration, signal }) {
      const lookup = await lookUpPriors(target, priorPatientId(iteration, patients), level, signal);
      return lookup.result;
    },
    close: () => Promise.resolve(),
  };
  return operation;
};
