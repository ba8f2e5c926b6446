/**
 * `mwl.find`: a modality's broad worklist query (docs/architecture.md sections 4 and 6), one
 * association carrying one Modality Worklist C-FIND (PS3.4 K.6.1).
 *
 * Matching keys (PS3.4 K.6.1.2.2, Table K.6-1): Scheduled Station AE Title (the
 * station, round robin over STATION001..STATIONnnn by iteration), Modality and
 * Scheduled Procedure Step Start Date (today, local date). The return keys are
 * what a modality fills its worklist screen and the image header with.
 *
 * Items are counted as pending responses (FF00 or FF01) that carry an
 * identifier (PS3.4 K.4.1.2.2). With `expectItems` set, a different count is
 * `check-failed`: the query was answered, but not with the expected worklist.
 */
import type { Outcome } from '../metrics/names.js';
import { runAssociation, type AssociationResult } from '../protocol/dimse/association.js';
import type { DcmjsDataset } from '../protocol/dimse/dcmjs.js';
import { createWorklistFindRequest } from '../protocol/dimse/requests.js';
import { isPendingStatus } from '../protocol/dimse/status.js';
import { localDicomDate } from '../synth/dicom-date.js';
import { stationAeTitle } from '../synth/worklist.js';
import { requireDimseTarget, toOperationResult, type DimseConnection } from './dimse-target.js';
import type { Operation, OperationFactory } from './types.js';

export interface MwlQuery {
  station: string;
  modality: string;
  /** DA, YYYYMMDD. */
  date: string;
}

/**
 * The identifier of the broad query. Empty values are return keys (universal
 * matching, PS3.4 C.2.2.2.3). PregnancyStatus is left out on purpose (docs/architecture.md
 * section 10, defect 5).
 */
export function mwlQueryIdentifier(query: MwlQuery): Record<string, unknown> {
  return {
    PatientName: '',
    PatientID: '',
    PatientBirthDate: '',
    PatientSex: '',
    AccessionNumber: '',
    ReferringPhysicianName: '',
    RequestedProcedureID: '',
    RequestedProcedureDescription: '',
    StudyInstanceUID: '',
    ScheduledProcedureStepSequence: [
      {
        ScheduledStationAETitle: query.station,
        Modality: query.modality,
        ScheduledProcedureStepStartDate: query.date,
        ScheduledProcedureStepStartTime: '',
        ScheduledProcedureStepID: '',
        ScheduledProcedureStepDescription: '',
        ScheduledPerformingPhysicianName: '',
      },
    ],
  };
}

/** What one worklist query found. */
export interface WorklistAnswer {
  station: string;
  association: AssociationResult;
  /** The identifiers of the pending responses, one per item (PS3.4 K.4.1.2.2). */
  items: DcmjsDataset[];
}

/** The station of an iteration: STATION001..STATIONnnn round robin. */
export function stationFor(iteration: number, stations: number): string {
  return stationAeTitle((iteration % Math.max(1, stations)) + 1);
}

/** One association, one broad MWL C-FIND for today; never rejects for a target failure. */
export async function queryWorklist(target: DimseConnection, station: string, modality: string, signal: AbortSignal): Promise<WorklistAnswer> {
  const identifier = mwlQueryIdentifier({ station, modality, date: localDicomDate(new Date()) });
  const association = await runAssociation({
    ...target,
    requests: [createWorklistFindRequest(identifier)],
    signal,
  });
  const items: DcmjsDataset[] = [];
  for (const response of association.responses) {
    if (isPendingStatus(response.status) && response.dataset !== undefined) items.push(response.dataset);
  }
  return { station, association, items };
}

/** Throws PacsLoadError when the profile has no DIMSE target; never during `run()`. */
export const createMwlFind: OperationFactory = (setup) => {
  const target = requireDimseTarget(setup, 'mwl.find');
  const { stations, modality, expectItems } = setup.params;
  const operation: Operation = {
    name: 'mwl.find',
    async run({ iteration, signal }) {
      const answer = await queryWorklist(target, stationFor(iteration, stations), modality, signal);
      return toOperationResult(answer.association, checkItemCount(answer.association.outcome, answer.items.length, expectItems, answer.station));
    },
    close: () => Promise.resolve(),
  };
  return operation;
};

/** Only a successful answer is checked; failures keep their own outcome. */
export function checkItemCount(outcome: Outcome, items: number, expectItems: number | undefined, station: string): Outcome {
  if (expectItems === undefined || items === expectItems) return outcome;
  if (outcome.kind !== 'ok' && outcome.kind !== 'dimse-warning') return outcome;
  // The station and both counts: which station's worklist is wrong, and how (issue 14, item 4).
  return { kind: 'check-failed', reason: `${station}: ${items} items, expected ${expectItems}` };
}
