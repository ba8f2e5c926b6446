/**
 * A seeded synthetic modality worklist: the scheduled procedure steps a PACS or
 * RIS would answer to a Modality Worklist C-FIND (PS3.4 K.6.1; attributes from
 * the Modality Worklist Information Model, PS3.4 Table K.6-1).
 *
 * Items are keyed by DICOM keyword, the naturalized form DIMSE libraries read and
 * write, so the simulator can answer with them directly. Everything is visibly
 * synthetic (`PACSLOAD^SYNTH^` names, `PLSYN-` patient IDs, InstitutionName
 * `SYNTHETIC LOAD-TEST DATA`) so nobody mistakes an item for a patient.
 *
 * Item n (1-based, station by station) is built from its own random stream,
 * `deriveSeed(seed, date, n)`, and its Study Instance UID from a hash of
 * (seed, date, modality, n): the same seed and date give the same worklist on
 * every machine, and a tester can predict what a station's query returns.
 */
import { dicomTimeFromMinutes } from './dicom-date.js';
import { createRandom, deriveSeed, pick, randomInt } from './random.js';
import type { Random } from './random.js';
import { SYNTHETIC_INSTITUTION, SYNTHETIC_PATIENT_ID_PREFIX, SYNTHETIC_PATIENT_NAME_PREFIX } from './studies.js';
import { hashedUid } from './uid.js';

/** One Scheduled Procedure Step Sequence item (PS3.4 Table K.6-1, Scheduled Procedure Step module). */
export interface ScheduledProcedureStep {
  ScheduledStationAETitle: string;
  ScheduledStationName: string;
  Modality: string;
  /** DA, YYYYMMDD. */
  ScheduledProcedureStepStartDate: string;
  /** TM, HHMMSS. */
  ScheduledProcedureStepStartTime: string;
  ScheduledProcedureStepID: string;
  ScheduledProcedureStepDescription: string;
  ScheduledPerformingPhysicianName: string;
}

/** One worklist item: a requested procedure with its one scheduled procedure step. */
export interface WorklistItem {
  PatientName: string;
  PatientID: string;
  /** DA, YYYYMMDD. */
  PatientBirthDate: string;
  PatientSex: 'F' | 'M' | 'O';
  AccessionNumber: string;
  RequestedProcedureID: string;
  RequestedProcedureDescription: string;
  StudyInstanceUID: string;
  ReferringPhysicianName: string;
  InstitutionName: string;
  ScheduledProcedureStepSequence: [ScheduledProcedureStep];
}

export interface BuildWorklistOptions {
  /** Distinct scheduled stations, STATION001 upwards. */
  stations: number;
  /** Procedure steps per station, all on `date`. */
  stepsPerStation: number;
  /** The scheduled date, DA `YYYYMMDD`. */
  date: string;
  seed: number;
  /** Modality of every step (CT, MR, ...). */
  modality: string;
}

/** The first scheduled step starts at 07:00; steps follow every 15 minutes (wrapping at midnight). */
const FIRST_STEP_MINUTES = 7 * 60;
const STEP_INTERVAL_MINUTES = 15;

const DESCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  CT: ['CT HEAD WITHOUT CONTRAST', 'CT CHEST WITH CONTRAST', 'CT ABDOMEN PELVIS', 'CT ANGIOGRAPHY CHEST'],
  MR: ['MR BRAIN', 'MR KNEE LEFT', 'MR LUMBAR SPINE', 'MR PROSTATE'],
  CR: ['XR CHEST PA AND LATERAL', 'XR HAND RIGHT', 'XR PELVIS AP'],
  DX: ['XR CHEST PA AND LATERAL', 'XR HAND RIGHT', 'XR PELVIS AP'],
  US: ['US ABDOMEN COMPLETE', 'US THYROID', 'US RENAL'],
  MG: ['MAMMOGRAPHY SCREENING BILATERAL', 'MAMMOGRAPHY DIAGNOSTIC LEFT'],
};
const DEFAULT_DESCRIPTIONS = ['SYNTHETIC PROCEDURE'];

/** The AE title of station n (1-based): `STATION001`. AE titles are at most 16 characters (PS3.5 Table 6.2-1). */
export function stationAeTitle(station: number): string {
  return `STATION${String(station).padStart(3, '0')}`;
}

/**
 * Builds `stations * stepsPerStation` items: station 1's steps first, then
 * station 2's, and so on. Item n has patient `PACSLOAD^SYNTH^0000n` and ID `PLSYN-00000n`.
 */
export function buildWorklist(options: BuildWorklistOptions): WorklistItem[] {
  const items: WorklistItem[] = [];
  for (let station = 1; station <= options.stations; station++) {
    for (let step = 0; step < options.stepsPerStation; step++) {
      const itemNumber = (station - 1) * options.stepsPerStation + step + 1;
      const random = createRandom(deriveSeed(options.seed, Number(options.date), itemNumber));
      items.push(buildItem(random, options, station, step, itemNumber));
    }
  }
  return items;
}

function buildItem(
  random: Random,
  options: BuildWorklistOptions,
  station: number,
  step: number,
  itemNumber: number,
): WorklistItem {
  const number6 = String(itemNumber).padStart(6, '0');
  const description = pick(random, DESCRIPTIONS[options.modality] ?? DEFAULT_DESCRIPTIONS);
  const birthDate = `${randomInt(random, 1935, 2020)}${pad2(randomInt(random, 1, 12))}${pad2(randomInt(random, 1, 28))}`;
  return {
    PatientName: `${SYNTHETIC_PATIENT_NAME_PREFIX}${String(itemNumber).padStart(5, '0')}`,
    PatientID: `${SYNTHETIC_PATIENT_ID_PREFIX}${number6}`,
    PatientBirthDate: birthDate,
    PatientSex: pick(random, ['F', 'M', 'F', 'M', 'O'] as const),
    // SH, at most 16 characters (PS3.5 Table 6.2-1): PL + date + 6 digits is exactly 16.
    AccessionNumber: `PL${options.date}${number6}`,
    RequestedProcedureID: `RP${number6}`,
    RequestedProcedureDescription: description,
    // 128 bits of a hash: a 32-bit-seeded generator would repeat UIDs across large worklists.
    StudyInstanceUID: hashedUid(`worklist:${options.seed}:${options.date}:${options.modality}:${itemNumber}`),
    ReferringPhysicianName: `PACSLOAD^REFERRER^${String(randomInt(random, 1, 40)).padStart(3, '0')}`,
    InstitutionName: SYNTHETIC_INSTITUTION,
    ScheduledProcedureStepSequence: [
      {
        ScheduledStationAETitle: stationAeTitle(station),
        ScheduledStationName: `SYNTH ${options.modality} ${String(station).padStart(3, '0')}`,
        Modality: options.modality,
        ScheduledProcedureStepStartDate: options.date,
        ScheduledProcedureStepStartTime: dicomTimeFromMinutes(FIRST_STEP_MINUTES + step * STEP_INTERVAL_MINUTES),
        ScheduledProcedureStepID: `SPS${number6}`,
        ScheduledProcedureStepDescription: description,
        ScheduledPerformingPhysicianName: `PACSLOAD^TECHNOLOGIST^${String(randomInt(random, 1, 20)).padStart(3, '0')}`,
      },
    ],
  };
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
