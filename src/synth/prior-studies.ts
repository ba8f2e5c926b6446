/**
 * The prior studies a run seeds before time zero (src/operations/seed-priors.ts):
 * `studiesPerPatient` studies for each of the synthetic patients 1 to
 * `patients` (synthetic-patients.ts), dated in the past, newest first.
 *
 * Identities are deterministic in (seed, patient, study), so the same seed
 * seeds the same studies: seeding again stores nothing new in an archive that
 * keeps the first copy of an instance (Orthanc's default), and the archive's
 * counts do not grow from night to night. The study UID is a fresh 2.25 root
 * (PS3.5 B.2); series and instance UIDs extend it (store-study.ts `instanceValues`).
 */
import { localDicomDate } from './dicom-date.js';
import { createRandom, deriveSeed } from './random.js';
import type { StudyIdentity } from './store-study.js';
import { syntheticPatientId, syntheticPatientName } from './synthetic-patients.js';
import { syntheticUid } from './uid.js';

/** Tags this generator's stream for `deriveSeed` ('SP', seeded priors). */
const SEEDED_PRIORS_STREAM = 0x5350;
/** Prior k (0 = newest) is (k + 1) x this many days old: 20 priors go back about 10 years. */
export const PRIOR_SPACING_DAYS = 180;
/** AccessionNumber has room for two digits of the study index (see below). */
export const MAX_STUDIES_PER_PATIENT = 99;

/** One seeded prior: its identity and where it sits in the population. */
export interface PriorStudyPlan {
  patientNumber: number;
  /** 0 is the patient's newest prior. */
  studyIndex: number;
  identity: StudyIdentity;
}

/**
 * The identity of prior `studyIndex` (0-based, 0 = newest) of patient
 * `patientNumber` (1-based), dated before `today` (local date). Throws a
 * RangeError for numbers out of range (a bug: the profile schema bounds them).
 */
export function priorStudyIdentity(seed: number, patientNumber: number, studyIndex: number, today: Date): StudyIdentity {
  if (!Number.isInteger(studyIndex) || studyIndex < 0 || studyIndex >= MAX_STUDIES_PER_PATIENT) {
    throw new RangeError(`study index must be an integer from 0 to ${MAX_STUDIES_PER_PATIENT - 1}, got ${studyIndex}`);
  }
  const random = createRandom(deriveSeed(seed, SEEDED_PRIORS_STREAM, patientNumber, studyIndex));
  const seedTag = (deriveSeed(seed, SEEDED_PRIORS_STREAM) & 0xffffff).toString(16).toUpperCase().padStart(6, '0');
  const studyDate = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (studyIndex + 1) * PRIOR_SPACING_DAYS);
  return {
    studyInstanceUid: syntheticUid(random),
    patientId: syntheticPatientId(patientNumber),
    patientName: syntheticPatientName(patientNumber),
    // SH, at most 16 characters (PS3.5 Table 6.2-1): PP + 6 hex digits of the seed + 6-digit patient + 2-digit study.
    accessionNumber: `PP${seedTag}${String(patientNumber).padStart(6, '0')}${String(studyIndex + 1).padStart(2, '0')}`,
    studyDate: localDicomDate(studyDate),
    // Mid-morning, a little later for each older prior, so no two priors of a patient look alike.
    studyTime: `${String(8 + (studyIndex % 10)).padStart(2, '0')}3000`,
  };
}

/**
 * Every prior to seed, patient by patient (patient 1's newest first), as a
 * list the sender walks in order.
 */
export function planPriorStudies(seed: number, patients: number, studiesPerPatient: number, today: Date): PriorStudyPlan[] {
  const plans: PriorStudyPlan[] = [];
  for (let patientNumber = 1; patientNumber <= patients; patientNumber++) {
    for (let studyIndex = 0; studyIndex < studiesPerPatient; studyIndex++) {
      plans.push({ patientNumber, studyIndex, identity: priorStudyIdentity(seed, patientNumber, studyIndex, today) });
    }
  }
  return plans;
}
