/**
 * The identity of one synthetic study a `dimse.store` (or a chain's store
 * step) sends: patient, accession, study ID, study/series/instance UIDs and
 * frame of reference, all from the send's identities (src/synth/identity.ts),
 * so scenarios, workers, chain repeats and runs never share one.
 *
 * Series and instance UIDs hang under the send's UID root (`<root>.<series>`
 * and `<root>.<series>.<instance>`), so an instance UID costs a string
 * concatenation instead of a hash per image. A chain replaces the study UID
 * with its worklist item's; the series and instances stay under the send's root.
 *
 * Marked synthetic like every generator here: names start `PACSLOAD^SYNTH^`,
 * patient IDs `PLSYN-`.
 */
import { createRandom, deriveSeed } from './random.js';
import { instanceUid, seriesUid, type SendIdentity } from './identity.js';
import { SYNTHETIC_PATIENT_NAME_PREFIX } from './studies.js';
import type { InstanceValues } from './study-template.js';

/** The study-level values; the caller may take some from a worklist item instead. */
export interface StudyIdentity {
  studyInstanceUid: string;
  /** Root of the series and instance UIDs (the send's, src/synth/identity.ts). */
  uidRoot: string;
  frameOfReferenceUid: string;
  patientName: string;
  patientId: string;
  accessionNumber: string;
  studyId: string;
  /** DA, YYYYMMDD. */
  studyDate: string;
  /** TM, HHMMSS. */
  studyTime: string;
}

/**
 * The study of `send`, dated `now` (local date and time, as the modality's
 * clock would say). The patient's name numbers the send within its scenario.
 */
export function storeStudyIdentity(send: SendIdentity, now: Date): StudyIdentity {
  const ordinal = String(send.iteration + 1).padStart(8, '0');
  return {
    studyInstanceUid: send.studyInstanceUid,
    uidRoot: send.root,
    frameOfReferenceUid: send.frameOfReferenceUid,
    patientName: `${SYNTHETIC_PATIENT_NAME_PREFIX}S${ordinal}`,
    patientId: send.patientId,
    accessionNumber: send.accessionNumber,
    studyId: send.studyId,
    studyDate: `${now.getFullYear()}${pad2(now.getMonth() + 1)}${pad2(now.getDate())}`,
    studyTime: `${pad2(now.getHours())}${pad2(now.getMinutes())}${pad2(now.getSeconds())}`,
  };
}

/**
 * The values of instance `index` (0-based) of a study of `images` images
 * spread evenly over `series` series.
 */
export function instanceValues(study: StudyIdentity, index: number, images: number, series: number): InstanceValues {
  const seriesNumber = Math.floor((index * series) / images) + 1;
  const instanceNumber = index + 1;
  return {
    studyInstanceUid: study.studyInstanceUid,
    frameOfReferenceUid: study.frameOfReferenceUid,
    patientName: study.patientName,
    patientId: study.patientId,
    accessionNumber: study.accessionNumber,
    studyId: study.studyId,
    studyDate: study.studyDate,
    studyTime: study.studyTime,
    seriesInstanceUid: seriesUid(study.uidRoot, seriesNumber),
    seriesNumber,
    instanceNumber,
    sopInstanceUid: instanceUid(study.uidRoot, seriesNumber, instanceNumber),
  };
}

/** Tags the modality-mix stream for `deriveSeed` ('SM'). */
const MIX_STREAM = 0x534d;

/**
 * The modality of study `iteration` under a weighted `mix` (weights in any
 * unit; zero and negative weights never win). Deterministic in (seed,
 * iteration), so every worker agrees and a rerun sends the same modalities.
 * Throws a RangeError when no weight is positive (a bug: the schema forbids it).
 */
export function pickStudyModality(mix: Readonly<Record<string, number>>, seed: number, iteration: number): string {
  const entries = Object.entries(mix).filter(([, weight]) => weight > 0);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (entries.length === 0) throw new RangeError('the modality mix needs at least one positive weight');
  let remaining = createRandom(deriveSeed(seed, MIX_STREAM, iteration))() * total;
  for (const [modality, weight] of entries) {
    remaining -= weight;
    if (remaining < 0) return modality;
  }
  return entries[entries.length - 1]![0];
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
