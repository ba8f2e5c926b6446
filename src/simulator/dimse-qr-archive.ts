/**
 * The simulator's archive of prior studies, which Query/Retrieve (C-FIND,
 * C-MOVE, C-GET) answers from. It is seeded and built lazily per patient, so it
 * needs no size setting and agrees with any tester that knows the seed:
 *
 * - patients are the synthetic ones (`PLSYN-nnnnnn`, src/synth/worklist.ts);
 * - 45% of patients have no prior; the others have 5 to 15 (about 10; docs/architecture.md section 6);
 * - studies follow the default modality mix (src/synth/studies.ts) with a
 *   realistic series count but few, tiny instances (16 x 16 pixels, 512 bytes of
 *   pixel data) so that retrieves exercise the protocol, not the disk.
 *
 * Everything is visibly synthetic: names `PACSLOAD^SYNTH^`, IDs `PLSYN-`,
 * InstitutionName `SYNTHETIC LOAD-TEST DATA`.
 */
import { createRandom, deriveSeed, pick, randomInt } from '../synth/random.js';
import type { Random } from '../synth/random.js';
import {
  DEFAULT_MODALITY_MIX,
  SYNTHETIC_INSTITUTION,
  SYNTHETIC_PATIENT_ID_PREFIX,
  SYNTHETIC_PATIENT_NAME_PREFIX,
} from '../synth/studies.js';
import { syntheticUid } from '../synth/uid.js';
import type { StoredInstance } from './instance-store.js';

export interface PriorInstance {
  sopClassUid: string;
  sopInstanceUid: string;
  instanceNumber: number;
  /** Set for an instance the simulator received (src/simulator/instance-store.ts): retrieves send it as received. */
  stored?: StoredInstance;
}

export interface PriorSeries {
  seriesInstanceUid: string;
  seriesNumber: number;
  modality: string;
  seriesDescription: string;
  instances: PriorInstance[];
}

export interface PriorStudy {
  patientId: string;
  patientName: string;
  patientBirthDate: string;
  patientSex: string;
  studyInstanceUid: string;
  /** DA, YYYYMMDD. */
  studyDate: string;
  /** TM, HHMMSS. */
  studyTime: string;
  accessionNumber: string;
  studyId: string;
  studyDescription: string;
  modality: string;
  series: PriorSeries[];
}

export interface PriorArchiveOptions {
  seed: number;
  /** The newest prior is before this date (DA, YYYYMMDD); priors go back up to 10 years. */
  date: string;
  /** Share of patients without any prior; 0.45 by default (docs/architecture.md section 6). */
  noPriorShare?: number;
  /** Priors of a patient who has some: uniform in this range; [5, 15] by default. */
  priorsPerPatient?: [min: number, max: number];
}

/** Storage SOP classes of the archive's instances (PS3.4 Annex B.5). */
export const PRIOR_SOP_CLASS_BY_MODALITY: Readonly<Record<string, string>> = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  CR: '1.2.840.10008.5.1.4.1.1.1',
  US: '1.2.840.10008.5.1.4.1.1.6.1',
  MG: '1.2.840.10008.5.1.4.1.1.1.2',
};

/** Rows and columns of every instance: 16 x 16 x 16 bits = 512 bytes of pixel data. */
export const PRIOR_IMAGE_SIZE = 16;

interface PriorShape {
  descriptions: readonly string[];
  series: [min: number, max: number];
  instancesPerSeries: [min: number, max: number];
}

/** Series counts as in real studies; instance counts scaled down (a CT series has a few, not hundreds). */
const SHAPES: Readonly<Record<string, PriorShape>> = {
  CT: { descriptions: ['CT CHEST W CONTRAST', 'CT HEAD WO CONTRAST', 'CT ABDOMEN PELVIS'], series: [2, 4], instancesPerSeries: [3, 8] },
  MR: { descriptions: ['MR BRAIN WO W CONTRAST', 'MR KNEE LEFT', 'MR LUMBAR SPINE'], series: [3, 5], instancesPerSeries: [2, 6] },
  CR: { descriptions: ['XR CHEST PA AND LATERAL', 'XR HAND LEFT 3 VIEWS'], series: [1, 2], instancesPerSeries: [1, 2] },
  US: { descriptions: ['US ABDOMEN COMPLETE', 'US THYROID'], series: [1, 1], instancesPerSeries: [2, 5] },
  MG: { descriptions: ['MG SCREENING BILATERAL 2D'], series: [1, 1], instancesPerSeries: [4, 4] },
};

/** Tags this generator's stream for `deriveSeed` ('PR', priors). */
const PRIORS_STREAM = 0x5052;
/** Patients whose priors are kept built; older ones are rebuilt on demand. */
const MAX_CACHED_PATIENTS = 20_000;
const PATIENT_ID_PATTERN = new RegExp(`^${SYNTHETIC_PATIENT_ID_PREFIX}(\\d{6})$`);

export class PriorArchive {
  readonly #seed: number;
  readonly #date: string;
  readonly #noPriorShare: number;
  readonly #priorsPerPatient: [number, number];
  readonly #byPatient = new Map<string, PriorStudy[]>();
  /** Every study UID handed out, to its patient: a retrieve names only the study. */
  readonly #patientOfStudy = new Map<string, string>();

  constructor(options: PriorArchiveOptions) {
    this.#seed = options.seed;
    this.#date = options.date;
    this.#noPriorShare = options.noPriorShare ?? 0.45;
    this.#priorsPerPatient = options.priorsPerPatient ?? [5, 15];
  }

  /** The priors of a patient, newest first; none for IDs that are not synthetic. */
  studiesOf(patientId: string): readonly PriorStudy[] {
    const cached = this.#byPatient.get(patientId);
    if (cached !== undefined) return cached;
    const match = PATIENT_ID_PATTERN.exec(patientId);
    if (match === null) return [];
    const studies = this.#build(patientId, Number(match[1]));
    if (this.#byPatient.size >= MAX_CACHED_PATIENTS) {
      const oldest = this.#byPatient.keys().next().value;
      if (oldest !== undefined) this.#byPatient.delete(oldest);
    }
    this.#byPatient.set(patientId, studies);
    for (const study of studies) this.#patientOfStudy.set(study.studyInstanceUid, patientId);
    return studies;
  }

  /** A study by UID, if its patient's priors were listed before (a retrieve follows a query). */
  study(studyInstanceUid: string): PriorStudy | undefined {
    const patientId = this.#patientOfStudy.get(studyInstanceUid);
    if (patientId === undefined) return undefined;
    return this.studiesOf(patientId).find((study) => study.studyInstanceUid === studyInstanceUid);
  }

  /** Studies of every patient listed so far (for queries that name no patient and no study). */
  knownStudies(): PriorStudy[] {
    return [...this.#byPatient.values()].flat();
  }

  #build(patientId: string, patientNumber: number): PriorStudy[] {
    const random = createRandom(deriveSeed(this.#seed, PRIORS_STREAM, patientNumber));
    const birthDate = `${randomInt(random, 1935, 2015)}${pad(randomInt(random, 1, 12), 2)}${pad(randomInt(random, 1, 28), 2)}`;
    const sex = pick(random, ['F', 'M', 'F', 'M', 'O']);
    if (random() < this.#noPriorShare) return [];
    const count = randomInt(random, ...this.#priorsPerPatient);
    const pickModality = weightedPicker(DEFAULT_MODALITY_MIX);
    const studies: PriorStudy[] = [];
    for (let index = 0; index < count; index++) {
      const modality = pickModality(random());
      studies.push({
        patientId,
        patientName: `${SYNTHETIC_PATIENT_NAME_PREFIX}${pad(patientNumber, 5)}`,
        patientBirthDate: birthDate,
        patientSex: sex,
        studyInstanceUid: syntheticUid(random),
        studyDate: daysBefore(this.#date, randomInt(random, 1, 3650)),
        studyTime: `${pad(randomInt(random, 7, 18), 2)}${pad(randomInt(random, 0, 59), 2)}00`,
        // SH, at most 16 characters: PR + 6-digit patient + 2-digit index.
        accessionNumber: `PR${pad(patientNumber, 6)}${pad(index + 1, 2)}`,
        studyId: String(index + 1),
        studyDescription: pick(random, (SHAPES[modality] ?? SHAPES.CT!).descriptions),
        modality,
        series: buildSeries(random, modality),
      });
    }
    // Newest first, as a prior lookup wants them.
    return studies.sort((a, b) => (a.studyDate === b.studyDate ? 0 : a.studyDate < b.studyDate ? 1 : -1));
  }
}

function buildSeries(random: Random, modality: string): PriorSeries[] {
  const shape = SHAPES[modality] ?? SHAPES.CT!;
  const sopClassUid = PRIOR_SOP_CLASS_BY_MODALITY[modality] ?? PRIOR_SOP_CLASS_BY_MODALITY.CT!;
  const series: PriorSeries[] = [];
  const seriesCount = randomInt(random, ...shape.series);
  for (let number = 1; number <= seriesCount; number++) {
    const instances: PriorInstance[] = [];
    const instanceCount = randomInt(random, ...shape.instancesPerSeries);
    const seriesInstanceUid = syntheticUid(random);
    for (let instanceNumber = 1; instanceNumber <= instanceCount; instanceNumber++) {
      instances.push({ sopClassUid, sopInstanceUid: syntheticUid(random), instanceNumber });
    }
    series.push({ seriesInstanceUid, seriesNumber: number, modality, seriesDescription: `SYNTH SERIES ${number}`, instances });
  }
  return series;
}

/** Every instance of a study, with its series. */
export function studyInstances(study: PriorStudy): Array<{ series: PriorSeries; instance: PriorInstance }> {
  return study.series.flatMap((series) => series.instances.map((instance) => ({ series, instance })));
}

/** The composite instance sent by C-MOVE and C-GET: the identifying modules and 512 bytes of pixel data. */
export function priorInstanceDataset(study: PriorStudy, series: PriorSeries, instance: PriorInstance): Record<string, unknown> {
  const pixels = new Uint16Array(PRIOR_IMAGE_SIZE * PRIOR_IMAGE_SIZE);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 16 + instance.instanceNumber) & 0x0fff;
  return {
    SOPClassUID: instance.sopClassUid,
    SOPInstanceUID: instance.sopInstanceUid,
    StudyDate: study.studyDate,
    StudyTime: study.studyTime,
    AccessionNumber: study.accessionNumber,
    Modality: series.modality,
    InstitutionName: SYNTHETIC_INSTITUTION,
    StudyDescription: study.studyDescription,
    SeriesDescription: series.seriesDescription,
    PatientName: study.patientName,
    PatientID: study.patientId,
    PatientBirthDate: study.patientBirthDate,
    PatientSex: study.patientSex,
    StudyInstanceUID: study.studyInstanceUid,
    SeriesInstanceUID: series.seriesInstanceUid,
    StudyID: study.studyId,
    SeriesNumber: series.seriesNumber,
    InstanceNumber: instance.instanceNumber,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: PRIOR_IMAGE_SIZE,
    Columns: PRIOR_IMAGE_SIZE,
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    PixelData: [pixels.buffer],
    _vrMap: { PixelData: 'OW' },
  };
}

function weightedPicker(mix: Readonly<Record<string, number>>): (unit: number) => string {
  const entries = Object.entries(mix).filter(([, weight]) => weight > 0);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  return (unit) => {
    let remaining = unit * total;
    for (const [modality, weight] of entries) {
      remaining -= weight;
      if (remaining < 0) return modality;
    }
    return entries[entries.length - 1]![0];
  };
}

function daysBefore(date: string, days: number): string {
  const utc = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
  const shifted = new Date(utc - days * 86_400_000);
  return `${shifted.getUTCFullYear()}${pad(shifted.getUTCMonth() + 1, 2)}${pad(shifted.getUTCDate(), 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
