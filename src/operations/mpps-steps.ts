/**
 * What the MPPS operations share: the worklist item a procedure step performs,
 * the N-CREATE and N-SET attributes (PS3.4 F.7.2, Table F.7.2-1), and the steps a
 * worker opened with `mpps.inProgress` and has not completed yet.
 *
 * The chain a modality runs (worklist query, MPPS IN PROGRESS, study send, MPPS
 * COMPLETED) is built from scenarios: `mpps.inProgress` remembers each step it
 * opened in this worker thread; `mpps.completed` completes the oldest of them on a
 * new association, as a modality does after the images are sent, or, when none
 * is open, opens and completes one of its own on one association.
 */
import type { OperationSetup } from './types.js';
import { localDicomDate } from '../synth/dicom-date.js';
import { instanceUid, seriesUid } from '../synth/identity.js';
import type { IdentityStreamName } from '../synth/identity-streams.js';
import { buildWorklist } from '../synth/worklist.js';
import { identitiesOf } from './identities.js';
import type { WorklistItem } from '../synth/worklist.js';

/** The simulator's default steps per station (src/profile/target-schema.ts), so items match its worklist. */
export const MPPS_STEPS_PER_STATION = 5;
/** Open steps kept per worker and target; the oldest are forgotten beyond this. */
const MAX_OPEN_STEPS = 100_000;

/** Images a performed series references at completion, per modality (docs/architecture.md section 6 counts). */
const IMAGES_BY_MODALITY: Readonly<Record<string, number>> = { CT: 680, MR: 570, CR: 2, DX: 2, MG: 4, US: 30 };
const STORAGE_SOP_CLASS_BY_MODALITY: Readonly<Record<string, string>> = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  CR: '1.2.840.10008.5.1.4.1.1.1',
  DX: '1.2.840.10008.5.1.4.1.1.1.1',
  MG: '1.2.840.10008.5.1.4.1.1.1.2',
  US: '1.2.840.10008.5.1.4.1.1.6.1',
};
/** Secondary Capture Image Storage, for modalities not in the table. */
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

/** One procedure step this worker opened. */
export interface OpenStep {
  sopInstanceUid: string;
  item: WorklistItem;
  /** DA and TM of the N-CREATE. */
  startDate: string;
  startTime: string;
}

/** Per operation instance: the worklist and the operation's identities. */
export interface MppsPlan {
  /** The worklist item performed at this iteration: station (i mod stations)+1, step (i div stations) mod 5. */
  itemFor(iteration: number): WorklistItem;
  /** The MPPS SOP Instance UID the operation's iteration creates (PS3.4 F.7.2.1). */
  procedureStepUid(iteration: number): string;
  /**
   * The series an iteration that sent no images references at completion: one
   * synthetic series of the modality's usual image count (PS3.4 F.7.2.2.2
   * requires a Performed Series Sequence for COMPLETED).
   */
  syntheticPerformedSeries(iteration: number, modality: string): PerformedSeries[];
  /** Key of the open-step list: the target this worker talks to. */
  targetKey: string;
}

/**
 * The plan for one MPPS operation. Its UIDs come from the scenario's identity
 * allocator (src/synth/identity.ts), stream `stream`: they differ between
 * iterations, scenarios, workers, instances of a distributed run and runs, or
 * a real PACS would refuse the second N-CREATE of a UID (0111, duplicate SOP instance).
 */
export function createMppsPlan(setup: OperationSetup, stations: number, modality: string, stream: IdentityStreamName): MppsPlan {
  const worklist = buildWorklist({
    stations,
    stepsPerStation: MPPS_STEPS_PER_STATION,
    date: localDicomDate(new Date()),
    seed: setup.seed,
    modality,
  });
  const identities = identitiesOf(setup);
  const dimse = setup.target.dimse;
  return {
    itemFor: (iteration) => {
      const station = iteration % stations;
      const step = Math.floor(iteration / stations) % MPPS_STEPS_PER_STATION;
      const item = worklist[station * MPPS_STEPS_PER_STATION + step];
      if (item === undefined) throw new Error(`internal: no worklist item for iteration ${iteration}`);
      return item;
    },
    procedureStepUid: (iteration) => identities.send(stream, iteration).root,
    syntheticPerformedSeries: (iteration, performedModality) => {
      const root = identities.send('mpps.performed', iteration).root;
      const images = IMAGES_BY_MODALITY[performedModality] ?? 1;
      const sopClassUid = STORAGE_SOP_CLASS_BY_MODALITY[performedModality] ?? SECONDARY_CAPTURE;
      return [{ seriesInstanceUid: seriesUid(root, 1), sopClassUid, sopInstanceUids: Array.from({ length: images }, (_, index) => instanceUid(root, 1, index + 1)) }];
    },
    targetKey: dimse === undefined ? '' : `${dimse.host}:${dimse.port}/${dimse.calledAe}`,
  };
}

const openSteps = new Map<string, OpenStep[]>();

/** Remembers a step opened by `mpps.inProgress` (this worker thread only). */
export function rememberOpenStep(targetKey: string, step: OpenStep): void {
  let steps = openSteps.get(targetKey);
  if (steps === undefined) {
    steps = [];
    openSteps.set(targetKey, steps);
  }
  if (steps.length >= MAX_OPEN_STEPS) steps.shift();
  steps.push(step);
}

/** The oldest open step of this target, removed from the list; undefined when none is open. */
export function takeOpenStep(targetKey: string): OpenStep | undefined {
  return openSteps.get(targetKey)?.shift();
}

/** Forgets every open step (tests). */
export function clearOpenSteps(): void {
  openSteps.clear();
}

/** DA and TM of now, local time (PS3.5 Table 6.2-1). */
export function dicomNow(now: Date = new Date()): { date: string; time: string } {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return { date: localDicomDate(now), time: `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}` };
}

/**
 * The N-CREATE attributes (PS3.4 Table F.7.2-1, N-CREATE column): the scheduled
 * step it performs (from the worklist item), the patient, and the performed step
 * IN PROGRESS. Type 2 attributes without a value are sent empty.
 */
export function mppsInProgressAttributes(step: OpenStep): Record<string, unknown> {
  const { item } = step;
  const [scheduled] = item.ScheduledProcedureStepSequence;
  return {
    SpecificCharacterSet: 'ISO_IR 100',
    Modality: scheduled.Modality,
    ProcedureCodeSequence: [],
    ReferencedPatientSequence: [],
    PatientName: item.PatientName,
    PatientID: item.PatientID,
    PatientBirthDate: item.PatientBirthDate,
    PatientSex: item.PatientSex,
    StudyID: '',
    PerformedStationAETitle: scheduled.ScheduledStationAETitle,
    PerformedStationName: scheduled.ScheduledStationName,
    PerformedLocation: '',
    PerformedProcedureStepStartDate: step.startDate,
    PerformedProcedureStepStartTime: step.startTime,
    PerformedProcedureStepEndDate: '',
    PerformedProcedureStepEndTime: '',
    PerformedProcedureStepStatus: 'IN PROGRESS',
    PerformedProcedureStepID: scheduled.ScheduledProcedureStepID,
    PerformedProcedureStepDescription: scheduled.ScheduledProcedureStepDescription,
    PerformedProcedureTypeDescription: '',
    ScheduledStepAttributesSequence: [
      {
        StudyInstanceUID: item.StudyInstanceUID,
        ReferencedStudySequence: [],
        AccessionNumber: item.AccessionNumber,
        RequestedProcedureID: item.RequestedProcedureID,
        RequestedProcedureDescription: item.RequestedProcedureDescription,
        ScheduledProcedureStepID: scheduled.ScheduledProcedureStepID,
        ScheduledProcedureStepDescription: scheduled.ScheduledProcedureStepDescription,
        ScheduledProtocolCodeSequence: [],
      },
    ],
    PerformedSeriesSequence: [],
  };
}

/** A series the modality really sent (a chain's `dimse.store`), for the Performed Series Sequence. */
export interface PerformedSeries {
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUids: readonly string[];
}

/**
 * The N-SET attributes that complete a step (PS3.4 Table F.7.2-1, N-SET column;
 * F.7.2.2.2: End Date/Time and a Performed Series Sequence are required for
 * COMPLETED), referencing `performed`: what a chain sent, or the plan's
 * synthetic series (`syntheticPerformedSeries`) when nothing was.
 */
export function mppsCompletedAttributes(step: OpenStep, performed: readonly PerformedSeries[]): Record<string, unknown> {
  const [scheduled] = step.item.ScheduledProcedureStepSequence;
  const series: PerformedSeries[] = [...performed];
  const end = dicomNow();
  return {
    PerformedProcedureStepStatus: 'COMPLETED',
    PerformedProcedureStepEndDate: end.date,
    PerformedProcedureStepEndTime: end.time,
    PerformedSeriesSequence: series.map((performedSeries) => ({
      PerformingPhysicianName: scheduled.ScheduledPerformingPhysicianName,
      ProtocolName: scheduled.ScheduledProcedureStepDescription,
      OperatorsName: '',
      SeriesInstanceUID: performedSeries.seriesInstanceUid,
      SeriesDescription: scheduled.ScheduledProcedureStepDescription,
      RetrieveAETitle: '',
      ReferencedImageSequence: performedSeries.sopInstanceUids.map((uid) => ({
        ReferencedSOPClassUID: performedSeries.sopClassUid,
        ReferencedSOPInstanceUID: uid,
      })),
      ReferencedNonImageCompositeSOPInstanceSequence: [],
    })),
  };
}
