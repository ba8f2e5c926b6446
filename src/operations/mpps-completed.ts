/**
 * `mpps.completed`: a modality finishes a procedure step (PS3.4 F.7.2.2): an
 * N-SET with status COMPLETED, end date and time and the performed series.
 *
 * It completes the oldest step this worker opened with `mpps.inProgress` on
 * the same target (one association, one N-SET), as a modality does after the
 * study is sent. When no step is open, it runs the whole cycle on one
 * association: N-CREATE IN PROGRESS, then N-SET COMPLETED of the same SOP
 * instance. The outcome is the first failure of either (e.g. 0110 when the
 * step was already completed, 0112 when the target does not know it).
 */
import { runAssociation } from '../protocol/dimse/association.js';
import { createMppsCreateRequest, createMppsSetRequest } from '../protocol/dimse/mpps-requests.js';
import type { DcmjsRequest } from '../protocol/dimse/dcmjs.js';
import { requireDimseTarget, toOperationResult } from './dimse-target.js';
import { createMppsPlan, dicomNow, mppsCompletedAttributes, mppsInProgressAttributes, takeOpenStep } from './mpps-steps.js';
import type { Operation, OperationFactory } from './types.js';

/** Throws PacsLoadError when the profile has no DIMSE target; never during `run()`. */
export const createMppsCompleted: OperationFactory = (setup) => {
  const target = requireDimseTarget(setup, 'mpps.completed');
  const plan = createMppsPlan(setup, setup.params.stations, setup.params.modality, 'mpps.completed');
  const operation: Operation = {
    name: 'mpps.completed',
    async run({ iteration, signal }) {
      const requests: DcmjsRequest[] = [];
      let step = takeOpenStep(plan.targetKey);
      if (step === undefined) {
        const start = dicomNow();
        step = { sopInstanceUid: plan.procedureStepUid(iteration), item: plan.itemFor(iteration), startDate: start.date, startTime: start.time };
        requests.push(createMppsCreateRequest(step.sopInstanceUid, mppsInProgressAttributes(step)));
      }
      requests.push(createMppsSetRequest(step.sopInstanceUid, mppsCompletedAttributes(step, plan.syntheticPerformedSeries(iteration, step.item.ScheduledProcedureStepSequence[0].Modality))));
      const association = await runAssociation({ ...target, requests, signal });
      return toOperationResult(association);
    },
    close: () => Promise.resolve(),
  };
  return operation;
};
