/**
 * The prior studies a run seeds before time zero (src/operations/seed-priors.ts):
 * `studiesPerPatient` studies for each of the synthetic patients 1 to
 * `patients` (synthetic-patients.ts), dated in the past, newest first.
 *
 * UIDs, accession number and study ID come from the identity allocator
 * (identity.ts, stream `seed.priors`), always in its `fixed` mode: the same
 * seed (and `uidRoot`) seeds the same studies in every run, whatever the run's
 * own identity mode, so seeding again stores nothing new in an archive that
 * keeps the first copy of an instance (Orthanc's default), and a nightly run's
 * look-ups find the same priors every night. The patient is the population's
 * (synthetic-patients.ts), not the send's, since the look-ups ask for it.
 */
import { localDicomDate } from './dicom-date.js';
import { IdentityAllocator, identitySettings } from './identity.js';
import type { StudyIdentity } from './store-study.js';
import { syntheticPatientId, syntheticPatientName } from './synthetic-patients.js';
/** Prior k (0 = newest) is (k + 1) x this many days old: 20 priors go back about 10 years. */
export const PRIOR_SPACING_DAYS = 180;
/** Studies per patient the identities have room for: send iterations are numbered patient by patient, this many each. */
export const MAX_STUDIES_PER_PATIENT = 100;

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
export function priorStudyIdentity(seed: number, patientNumber: number, studyIndex: number, today: Date, uidRoot?: string): StudyIdentity {
  if (!Number.isInteger(studyIndex) || studyIndex < 0 || studyIndex >= MAX_STUDIES_PER_PATIENT) {
    throw new RangeError(`study index must be an integer from 0 to ${MAX_STUDIES_PER_PATIENT - 1}, got ${studyIndex}`);
  }
  const allocator = new IdentityAllocator(identitySettings({ mode: 'fixed', runId: '', seed, uidRoot }), 0);
  // One send per (patient, study); patient numbers start at 1.
  const send = allocator.send('seed.priors', (patientNumber - 1) * MAX_STUDIES_PER_PATIENT + studyIndex);
  const studyDate = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (studyIndex + 1) * PRIOR_SPACING_DAYS);
  return {
    studyInstanceUid: send.studyInstanceUid,
    uidRoot: send.root,
    frameOfReferenceUid: send.frameOfReferenceUid,
    patientId: syntheticPatientId(patientNumber),
    patientName: syntheticPatientName(patientNumber),
    accessionNumber: send.accessionNumber,
    studyId: send.studyId,
    studyDate: localDicomDate(studyDate),
    // Mid-morning, a little later for each older prior, so no two priors of a patient look alike.
    studyTime: `${String(8 + (studyIndex % 10)).padStart(2, '0')}3000`,
  };
}

/**
 * Every prior to seed, patient by patient (patient 1's newest first), as a
 * list the sender walks in order.
 */
export function planPriorStudies(seed: number, patients: number, studiesPerPatient: number, today: Date, uidRoot?: string): PriorStudyPlan[] {
  const plans: PriorStudyPlan[] = [];
  for (let patientNumber = 1; patientNumber <= patients; patientNumber++) {
    for (let studyIndex = 0; studyIndex < studiesPerPatient; studyIndex++) {
      plans.push({ patientNumber, studyIndex, identity: priorStudyIdentity(seed, patientNumber, studyIndex, today, uidRoot) });
    }
  }
  return plans;
}
