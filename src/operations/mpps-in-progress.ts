/**
 * `mpps.inProgress`: a modality starts performing a worklist item. One
 * association carrying one N-CREATE of a Modality Performed Procedure Step with
 * status IN PROGRESS (PS3.4 F.7.2.1), for the synthetic worklist item of this
 * iteration (mpps-steps.ts). A step the target accepted is remembered, so that
 * an `mpps.completed` scenario on the same worker completes it later.
 */
import { runAssociation, type AssociationResult } from '../protocol/dimse/association.js';
import { createMppsCreateRequest } from '../protocol/dimse/mpps-requests.js';
import { requireDimseTarget, toOperationResult, type DimseConnection } from './dimse-target.js';
import { createMppsPlan, dicomNow, mppsInProgressAttributes, rememberOpenStep } from './mpps-steps.js';
import type { OpenStep } from './mpps-steps.js';
import type { Operation, OperationFactory } from './types.js';

/** One association, one N-CREATE IN PROGRESS of `step` (PS3.4 F.7.2.1); never rejects for a target failure. */
export function startProcedureStep(target: DimseConnection, step: OpenStep, signal: AbortSignal): Promise<AssociationResult> {
  return runAssociation({ ...target, requests: [createMppsCreateRequest(step.sopInstanceUid, mppsInProgressAttributes(step))], signal });
}

/** Throws PacsLoadError when the profile has no DIMSE target; never during `run()`. */
export const createMppsInProgress: OperationFactory = (setup) => {
  const target = requireDimseTarget(setup, 'mpps.inProgress');
  const plan = createMppsPlan(setup, setup.params.stations, setup.params.modality, 'mpps.inProgress');
  const operation: Operation = {
    name: 'mpps.inProgress',
    async run({ iteration, signal }) {
      const start = dicomNow();
      const step: OpenStep = { sopInstanceUid: plan.procedureStepUid(iteration), item: plan.itemFor(iteration), startDate: start.date, startTime: start.time };
      const association = await startProcedureStep(target, step, signal);
      if (association.outcome.kind === 'ok' || association.outcome.kind === 'dimse-warning') rememberOpenStep(plan.targetKey, step);
      return toOperationResult(association);
    },
    close: () => Promise.resolve(),
  };
  return operation;
};
