/**
 * The identity of one synthetic study a `dimse.store` sends: patient,
 * accession, study/series/instance UIDs. Deterministic in (seed, iteration),
 * so the same profile seed sends the same UIDs and a checker can recompute
 * what was sent without being told.
 *
 * Series and instance UIDs extend the study UID (`<study>.<series>` and
 * `<study>.<series>.<instance>`): the study UID is a fresh 2.25 UUID-derived
 * root (PS3.5 B.2), so every arc under it is ours, and an instance UID costs a
 * string concatenation instead of a 128-bit number per image.
 *
 * Marked synthetic like every generator here: names start `PACSLOAD^SYNTH^`,
 * patient IDs `PLSYN-`.
 */
import { createRandom, deriveSeed } from './random.js';
import { SYNTHETIC_PATIENT_ID_PREFIX, SYNTHETIC_PATIENT_NAME_PREFIX } from './studies.js';
import type { InstanceValues } from './study-template.js';
import { syntheticUid } from './uid.js';

/** The study-level values; the caller may take them from a worklist item instead. */
export interface StudyIdentity {
  studyInstanceUid: string;
  patientName: string;
  patientId: string;
  accessionNumber: string;
  /** DA, YYYYMMDD. */
  studyDate: string;
  /** TM, HHMMSS. */
  studyTime: string;
}

/** UI values are at most 64 characters (PS3.5 Table 6.2-1). */
const MAX_UID_LENGTH = 64;
/** Room the `.<series>.<instance>` suffix needs (series up to 3 digits, instance up to 6). */
const SUFFIX_ROOM = 11;
/** Tags this generator's stream for `deriveSeed` ('ST', store studies). */
const STORE_STREAM = 0x5354;

/**
 * The identity of study `iteration` of a run with `seed`, dated `now` (local
 * date and time, as the modality's clock would say).
 */
export function storeStudyIdentity(seed: number, iteration: number, now: Date): StudyIdentity {
  const random = createRandom(deriveSeed(seed, STORE_STREAM, iteration));
  const ordinal = String(iteration + 1).padStart(8, '0');
  // SH, at most 16 characters (PS3.5 Table 6.2-1): PS + 6 hex digits of the seed + 8 digits.
  const seedTag = (deriveSeed(seed, STORE_STREAM) & 0xffffff).toString(16).toUpperCase().padStart(6, '0');
  return {
    studyInstanceUid: syntheticUid(random),
    patientName: `${SYNTHETIC_PATIENT_NAME_PREFIX}S${ordinal}`,
    patientId: `${SYNTHETIC_PATIENT_ID_PREFIX}S${ordinal}`,
    accessionNumber: `PS${seedTag}${ordinal.slice(-8)}`,
    studyDate: `${now.getFullYear()}${pad2(now.getMonth() + 1)}${pad2(now.getDate())}`,
    studyTime: `${pad2(now.getHours())}${pad2(now.getMinutes())}${pad2(now.getSeconds())}`,
  };
}

/**
 * The values of instance `index` (0-based) of a study of `images` images
 * spread evenly over `series` series. Throws a RangeError when the study UID
 * leaves no room for the series and instance arcs (a caller passing a worklist
 * UID longer than 53 characters must generate its own).
 */
export function instanceValues(study: StudyIdentity, index: number, images: number, series: number): InstanceValues {
  if (study.studyInstanceUid.length > MAX_UID_LENGTH - SUFFIX_ROOM) {
    throw new RangeError(`study UID ${study.studyInstanceUid} is too long to derive instance UIDs from`);
  }
  const seriesNumber = Math.floor((index * series) / images) + 1;
  const seriesInstanceUid = `${study.studyInstanceUid}.${seriesNumber}`;
  const instanceNumber = index + 1;
  return {
    ...study,
    seriesInstanceUid,
    seriesNumber,
    instanceNumber,
    sopInstanceUid: `${seriesInstanceUid}.${instanceNumber}`,
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
