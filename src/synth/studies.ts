/**
 * Seeded synthetic studies, as the study-level DICOM JSON objects a QIDO-RS
 * `/studies` search returns (PS3.18 section 10.6.3.3.1, Table 10.6.3-3; the JSON
 * encoding is PS3.18 Annex F.2). The same seed gives the same studies on every
 * run and every machine, so a simulator and a checker agree without talking.
 *
 * Everything is visibly synthetic: patient names start `PACSLOAD^SYNTH^`, patient
 * IDs `PLSYN-`, and InstitutionName is `SYNTHETIC LOAD-TEST DATA`, so nobody can
 * mistake a load-test study for a patient's.
 *
 * RetrieveURL (0008,1190) is left out on purpose: only the server that serves the
 * study knows its own base URL, so it adds that attribute itself.
 */
import { createRandom, deriveSeed, pick, randomInt, type Random } from './random.js';
import { syntheticUid } from './uid.js';

/** One attribute of a DICOM JSON object (PS3.18 F.2.2). */
export interface DicomJsonAttribute {
  vr: string;
  Value?: Array<string | number | { Alphabetic: string }>;
}

/** A DICOM JSON object: attributes keyed by 8 upper-case hex digits of the tag (PS3.18 F.2.1.1). */
export type DicomJsonObject = Record<string, DicomJsonAttribute>;

/** Tags of the study-level attributes built here, as DICOM JSON keys (PS3.6 data dictionary). */
export const StudyTag = {
  SpecificCharacterSet: '00080005',
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  InstanceAvailability: '00080056',
  ModalitiesInStudy: '00080061',
  InstitutionName: '00080080',
  ReferringPhysicianName: '00080090',
  StudyDescription: '00081030',
  NameOfPhysiciansReadingStudy: '00081060',
  RetrieveURL: '00081190',
  PatientName: '00100010',
  PatientID: '00100020',
  IssuerOfPatientID: '00100021',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  PatientAge: '00101010',
  StudyInstanceUID: '0020000D',
  StudyID: '00200010',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
} as const;

export const SYNTHETIC_INSTITUTION = 'SYNTHETIC LOAD-TEST DATA';
export const SYNTHETIC_PATIENT_ID_PREFIX = 'PLSYN-';
export const SYNTHETIC_PATIENT_NAME_PREFIX = 'PACSLOAD^SYNTH^';

export interface BuildStudiesOptions {
  /** How many studies (one patient each). */
  count: number;
  seed: number;
  /** The study date, DICOM DA `YYYYMMDD` (PS3.5 Table 6.2-1). */
  date: string;
  /**
   * Spread study dates over this many days before `date` as well (0, the default,
   * puts every study on `date`, which is what a "today" worklist query finds).
   */
  spreadDays?: number;
  /** Share of each modality, in any unit (docs/architecture.md section 5 mix by default). */
  modalityMix?: Readonly<Record<string, number>>;
}

/** The default modality mix of a general hospital (docs/architecture.md section 5). */
export const DEFAULT_MODALITY_MIX: Readonly<Record<string, number>> = { CT: 30, MR: 15, CR: 40, US: 10, MG: 5 };

/**
 * Builds `count` study objects, deterministic in `seed` and `date`, in ascending
 * StudyTime order. Each serializes to roughly 1-1.5 KB of JSON, as a real QIDO
 * study result does. Throws a RangeError for a bad count or date (a bug in the caller).
 */
export function buildStudies(options: BuildStudiesOptions): DicomJsonObject[] {
  const { count, seed, date } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!/^\d{8}$/.test(date)) throw new RangeError(`date must be DICOM DA YYYYMMDD, got ${date}`);
  const spreadDays = options.spreadDays ?? 0;
  // A stream of its own, so studies never replay the worklist's numbers for the same seed.
  const random = createRandom(deriveSeed(seed, STUDIES_STREAM));
  const pickModality = weightedPicker(options.modalityMix ?? DEFAULT_MODALITY_MIX);

  const drafts = [];
  for (let index = 0; index < count; index++) {
    const daysBack = spreadDays > 0 ? Math.floor(random() * (spreadDays + 1)) : 0;
    // Studies of a day fall between 07:00 and 19:00, the busy hours of a department.
    const secondsOfDay = 7 * 3600 + Math.floor(random() * 12 * 3600);
    drafts.push({ index, studyDate: daysBefore(date, daysBack), secondsOfDay, modality: pickModality(random()) });
  }
  drafts.sort((a, b) => (a.studyDate === b.studyDate ? a.secondsOfDay - b.secondsOfDay : a.studyDate < b.studyDate ? -1 : 1));

  return drafts.map((draft) => buildStudy(draft, date, random));
}

/** Tags this generator's stream for `deriveSeed` ('QS', QIDO studies). */
const STUDIES_STREAM = 0x5153;

interface StudyDraft {
  index: number;
  studyDate: string;
  secondsOfDay: number;
  modality: string;
}

/** Realistic shape of a study per modality (docs/architecture.md section 6 figures). */
interface ModalityShape {
  descriptions: readonly string[];
  series: [min: number, max: number];
  instances: [min: number, max: number];
  /** Extra modalities some of these studies carry (reports, key objects, fused PET). */
  extras: readonly string[];
}

const SHAPES: Readonly<Record<string, ModalityShape>> = {
  CT: {
    descriptions: ['CT CHEST W CONTRAST', 'CT HEAD WO CONTRAST', 'CT ABDOMEN PELVIS W CONTRAST', 'CT ANGIO CHEST PE PROTOCOL'],
    series: [4, 8],
    instances: [450, 900],
    extras: ['SR', 'PT'],
  },
  MR: {
    descriptions: ['MR BRAIN WO W CONTRAST', 'MR KNEE LEFT WO CONTRAST', 'MR LUMBAR SPINE WO CONTRAST', 'MR PROSTATE MULTIPARAMETRIC'],
    series: [6, 14],
    instances: [350, 800],
    extras: ['SR'],
  },
  CR: {
    descriptions: ['XR CHEST PA AND LATERAL', 'XR HAND LEFT 3 VIEWS', 'XR KNEE RIGHT 2 VIEWS', 'XR PORTABLE CHEST AP'],
    series: [1, 2],
    instances: [1, 4],
    extras: ['KO'],
  },
  US: {
    descriptions: ['US ABDOMEN COMPLETE', 'US OB 2ND TRIMESTER', 'US THYROID', 'US CAROTID DOPPLER BILATERAL'],
    series: [1, 2],
    instances: [10, 60],
    extras: ['SR'],
  },
  MG: {
    descriptions: ['MG SCREENING BILATERAL 2D', 'MG DIAGNOSTIC LEFT', 'MG TOMOSYNTHESIS BILATERAL'],
    series: [1, 2],
    instances: [4, 8],
    extras: ['SR'],
  },
};

const GENERIC_SHAPE: ModalityShape = { descriptions: ['SYNTHETIC STUDY'], series: [1, 4], instances: [1, 200], extras: [] };

function buildStudy(draft: StudyDraft, date: string, random: Random): DicomJsonObject {
  const shape = SHAPES[draft.modality] ?? GENERIC_SHAPE;
  const ordinal = pad(draft.index + 1, 6);
  const modalities = [draft.modality];
  // About one study in four carries a second modality, as reports and key objects do.
  if (shape.extras.length > 0 && random() < 0.25) modalities.push(pick(random, shape.extras));
  const seriesCount = randomInt(random, ...shape.series);
  const instanceCount = Math.max(seriesCount, randomInt(random, ...shape.instances));
  const birthYear = 1930 + Math.floor(random() * 90);
  const birthDate = `${birthYear}${pad(1 + Math.floor(random() * 12), 2)}${pad(1 + Math.floor(random() * 28), 2)}`;

  // Keys in ascending tag order, as PS3.18 F.2 examples and most servers write them.
  return {
    [StudyTag.SpecificCharacterSet]: { vr: 'CS', Value: ['ISO_IR 192'] },
    [StudyTag.StudyDate]: { vr: 'DA', Value: [draft.studyDate] },
    [StudyTag.StudyTime]: { vr: 'TM', Value: [timeOfDay(draft.secondsOfDay)] },
    // AccessionNumber is SH, at most 16 characters (PS3.5 Table 6.2-1): PL + date + ordinal.
    [StudyTag.AccessionNumber]: { vr: 'SH', Value: [`PL${date}${ordinal}`] },
    [StudyTag.InstanceAvailability]: { vr: 'CS', Value: ['ONLINE'] },
    [StudyTag.ModalitiesInStudy]: { vr: 'CS', Value: modalities },
    [StudyTag.InstitutionName]: { vr: 'LO', Value: [SYNTHETIC_INSTITUTION] },
    [StudyTag.ReferringPhysicianName]: {
      vr: 'PN',
      Value: [{ Alphabetic: `PACSLOAD^REFERRER^${pad(1 + Math.floor(random() * 40), 3)}` }],
    },
    [StudyTag.StudyDescription]: { vr: 'LO', Value: [pick(random, shape.descriptions)] },
    [StudyTag.NameOfPhysiciansReadingStudy]: {
      vr: 'PN',
      Value: [{ Alphabetic: `PACSLOAD^READER^${pad(1 + Math.floor(random() * 20), 3)}` }],
    },
    // PN values are objects with component groups (PS3.18 F.2.2).
    [StudyTag.PatientName]: { vr: 'PN', Value: [{ Alphabetic: `${SYNTHETIC_PATIENT_NAME_PREFIX}${ordinal}` }] },
    [StudyTag.PatientID]: { vr: 'LO', Value: [`${SYNTHETIC_PATIENT_ID_PREFIX}${ordinal}`] },
    [StudyTag.IssuerOfPatientID]: { vr: 'LO', Value: ['PACSLOAD-SYNTH'] },
    [StudyTag.PatientBirthDate]: { vr: 'DA', Value: [birthDate] },
    [StudyTag.PatientSex]: { vr: 'CS', Value: [pick(random, ['F', 'M', 'F', 'M', 'O'])] },
    // AS is nnnY (PS3.5 Table 6.2-1); whole years at the study date are close enough here.
    [StudyTag.PatientAge]: { vr: 'AS', Value: [`${pad(Math.max(0, Number(draft.studyDate.slice(0, 4)) - birthYear), 3)}Y`] },
    [StudyTag.StudyInstanceUID]: { vr: 'UI', Value: [syntheticUid(random)] },
    [StudyTag.StudyID]: { vr: 'SH', Value: [String(draft.index + 1)] },
    // IS values are JSON numbers (PS3.18 F.2.3).
    [StudyTag.NumberOfStudyRelatedSeries]: { vr: 'IS', Value: [seriesCount] },
    [StudyTag.NumberOfStudyRelatedInstances]: { vr: 'IS', Value: [instanceCount] },
  };
}

function weightedPicker(mix: Readonly<Record<string, number>>): (unit: number) => string {
  const entries = Object.entries(mix).filter(([, weight]) => weight > 0);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (entries.length === 0 || !(total > 0)) throw new RangeError('modalityMix needs at least one positive weight');
  return (unit) => {
    let remaining = unit * total;
    for (const [modality, weight] of entries) {
      remaining -= weight;
      if (remaining < 0) return modality;
    }
    return entries[entries.length - 1]![0];
  };
}

function timeOfDay(seconds: number): string {
  return `${pad(Math.floor(seconds / 3600), 2)}${pad(Math.floor((seconds % 3600) / 60), 2)}${pad(seconds % 60, 2)}`;
}

/** The DA date `daysBack` calendar days before `date` (UTC arithmetic: no DST surprises). */
function daysBefore(date: string, daysBack: number): string {
  if (daysBack === 0) return date;
  const utcMs = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
  const shifted = new Date(utcMs - daysBack * 86_400_000);
  return `${shifted.getUTCFullYear()}${pad(shifted.getUTCMonth() + 1, 2)}${pad(shifted.getUTCDate(), 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
