/**
 * The synthetic patient population that prior studies belong to: patient
 * number n (1, 2, 3 ...) is `PLSYN-` and n in 6 digits, named
 * `PACSLOAD^SYNTH^` and n in 5 digits, as the synthetic worklist
 * (worklist.ts) and the simulator's prior archive name them. The prior
 * seeding (prior-studies.ts, src/operations/seed-priors.ts) stores studies
 * for patients 1 to N, and the prior look-ups (`qr.find`, `qr.move`,
 * `qr.get`, src/operations/qr-priors.ts) ask for the same patients, so a
 * run against an empty PACS can find what it stored itself.
 *
 * Both marks of the synthetic marking (marking.ts) are in every patient.
 */
import { SYNTHETIC_PATIENT_ID_PREFIX, SYNTHETIC_PATIENT_NAME_PREFIX } from './studies.js';

/** The largest patient number: Patient IDs keep their 6 digits. */
export const MAX_SYNTHETIC_PATIENTS = 999_999;

/** The Patient ID (LO, PS3.5 Table 6.2-1) of patient `number` (1-based). */
export function syntheticPatientId(number: number): string {
  checkNumber(number);
  return `${SYNTHETIC_PATIENT_ID_PREFIX}${String(number).padStart(6, '0')}`;
}

/** The Patient's Name (PN) of patient `number` (1-based). */
export function syntheticPatientName(number: number): string {
  checkNumber(number);
  return `${SYNTHETIC_PATIENT_NAME_PREFIX}${String(number).padStart(5, '0')}`;
}

/** The patient a look-up of `iteration` asks for: round robin over patients 1 to `patients`. */
export function patientNumberOfIteration(iteration: number, patients: number): number {
  return (iteration % Math.max(1, patients)) + 1;
}

function checkNumber(number: number): void {
  if (!Number.isInteger(number) || number < 1 || number > MAX_SYNTHETIC_PATIENTS) {
    throw new RangeError(`synthetic patient number must be an integer from 1 to ${MAX_SYNTHETIC_PATIENTS}, got ${number}`);
  }
}
