/**
 * The synthetic marking (issue 10, item 5): how pacs-load tells data it made
 * from data it did not, before it sends anything built from the latter.
 *
 * Everything pacs-load makes carries three marks (studies.ts):
 * - Patient ID (0010,0020) starts with `PLSYN-`;
 * - Patient's Name (0010,0010) starts with `PACSLOAD^SYNTH^` (the family name
 *   component `PACSLOAD`, the given name `SYNTH`);
 * - Institution Name (0008,0080) is `SYNTHETIC LOAD-TEST DATA`.
 *
 * The rule for demographics pacs-load received (a worklist item): the patient
 * ID and the patient name must both carry their prefix, since those two are
 * what identify a person and what the chain copies into its MPPS and C-STORE
 * requests. The institution name is checked only when the item carries one,
 * because a worklist query need not return it (it is not one of the MWL return
 * keys of PS3.4 Table K.6-1 that pacs-load asks for); when present it must be
 * the synthetic one. Leading and trailing spaces are ignored (PS3.5 Table
 * 6.2-1: they are not significant in LO and PN); case is not.
 */
import { SYNTHETIC_INSTITUTION, SYNTHETIC_PATIENT_ID_PREFIX, SYNTHETIC_PATIENT_NAME_PREFIX } from './studies.js';

/** The demographics the marking is read from; values as text (PN as its alphabetic group). */
export interface MarkedDemographics {
  PatientName: string;
  PatientID: string;
  /** Absent or empty: the source did not say (not checked). */
  InstitutionName?: string;
}

/**
 * The marks that `demographics` lack, as short phrases for a message
 * (`patient ID does not start with PLSYN-`); empty when they carry the
 * synthetic marking. Never includes the values themselves: they may be a
 * real patient's.
 */
export function missingSyntheticMarks(demographics: MarkedDemographics): string[] {
  const missing: string[] = [];
  if (!demographics.PatientID.trim().startsWith(SYNTHETIC_PATIENT_ID_PREFIX)) {
    missing.push(`patient ID does not start with ${SYNTHETIC_PATIENT_ID_PREFIX}`);
  }
  if (!demographics.PatientName.trim().startsWith(SYNTHETIC_PATIENT_NAME_PREFIX)) {
    missing.push(`patient name does not start with ${SYNTHETIC_PATIENT_NAME_PREFIX}`);
  }
  const institution = (demographics.InstitutionName ?? '').trim();
  if (institution !== '' && institution !== SYNTHETIC_INSTITUTION) {
    missing.push(`institution name is not ${SYNTHETIC_INSTITUTION}`);
  }
  return missing;
}

/** True when `demographics` carry the synthetic marking (the rule above). */
export function hasSyntheticMarking(demographics: MarkedDemographics): boolean {
  return missingSyntheticMarks(demographics).length === 0;
}

/** The flag that lets pacs-load send demographics without the marking. */
export const ALLOW_UNMARKED_DATA_FLAG = '--allow-unmarked-data';
