/**
 * QIDO-RS `/studies` query parsing and matching for the simulator (PS3.18
 * sections 10.6 and 8.3.4, matching rules of PS3.4 section C.2.2.2). Pure: no I/O.
 *
 * Supported match keys, by keyword or tag: StudyInstanceUID (UID list),
 * PatientID, PatientName and AccessionNumber (single value, `*` and `?`
 * wildcards), ModalitiesInStudy (any of a list), StudyDate (a date or a range).
 * `limit` and `offset` page the answer; `includefield` and `fuzzymatching` are
 * accepted and ignored (every study answer already carries all its attributes);
 * other keys are ignored, as a server ignores keys it does not match on.
 */
import { StudyTag, type DicomJsonObject } from '../synth/studies.js';

/** The matchable fields of one study, read once at start-up. */
export interface IndexedStudy {
  studyInstanceUid: string;
  patientId: string;
  patientName: string;
  accessionNumber: string;
  studyDate: string;
  modalities: readonly string[];
}

export interface QidoStudiesRequest {
  matches: (study: IndexedStudy) => boolean;
  limit: number | undefined;
  offset: number;
}

export type QidoParseResult = { ok: true; request: QidoStudiesRequest } | { ok: false; reason: string };

/** Reads the matchable fields of a study object; missing attributes read as ''. */
export function indexStudy(study: DicomJsonObject): IndexedStudy {
  const name = study[StudyTag.PatientName]?.Value?.[0];
  return {
    studyInstanceUid: firstString(study, StudyTag.StudyInstanceUID),
    patientId: firstString(study, StudyTag.PatientID),
    patientName: typeof name === 'object' && name !== null ? name.Alphabetic : '',
    accessionNumber: firstString(study, StudyTag.AccessionNumber),
    studyDate: firstString(study, StudyTag.StudyDate),
    modalities: (study[StudyTag.ModalitiesInStudy]?.Value ?? []).map(String),
  };
}

function firstString(study: DicomJsonObject, tag: string): string {
  const value = study[tag]?.Value?.[0];
  return typeof value === 'string' ? value : '';
}

type Field = 'studyInstanceUid' | 'patientId' | 'patientName' | 'accessionNumber' | 'studyDate' | 'modalities';

/** Keywords and tags (PS3.6) a search may use, to the field they match. */
const MATCH_KEYS: ReadonlyMap<string, Field> = new Map([
  ['studyinstanceuid', 'studyInstanceUid'],
  [StudyTag.StudyInstanceUID.toLowerCase(), 'studyInstanceUid'],
  ['patientid', 'patientId'],
  [StudyTag.PatientID.toLowerCase(), 'patientId'],
  ['patientname', 'patientName'],
  [StudyTag.PatientName.toLowerCase(), 'patientName'],
  ['accessionnumber', 'accessionNumber'],
  [StudyTag.AccessionNumber.toLowerCase(), 'accessionNumber'],
  ['studydate', 'studyDate'],
  [StudyTag.StudyDate.toLowerCase(), 'studyDate'],
  ['modalitiesinstudy', 'modalities'],
  [StudyTag.ModalitiesInStudy.toLowerCase(), 'modalities'],
]);

/** Parses the query string (without `?`) of a `/studies` search. */
export function parseQidoStudiesQuery(queryString: string): QidoParseResult {
  const predicates: Array<(study: IndexedStudy) => boolean> = [];
  let limit: number | undefined;
  let offset = 0;

  for (const [rawKey, value] of new URLSearchParams(queryString)) {
    const key = rawKey.toLowerCase();
    if (key === 'limit' || key === 'offset') {
      // PS3.18 8.3.4 (paging): limit and offset are non-negative integers.
      if (!/^\d{1,9}$/.test(value)) return { ok: false, reason: `${rawKey} must be a non-negative integer` };
      if (key === 'limit') limit = Number(value);
      else offset = Number(value);
      continue;
    }
    const field = MATCH_KEYS.get(key);
    // PS3.4 C.2.2.2.3: an empty value is universal matching, so it filters nothing.
    if (field === undefined || value === '') continue;
    const predicate = predicateFor(field, value);
    if (typeof predicate === 'string') return { ok: false, reason: `${rawKey}: ${predicate}` };
    predicates.push(predicate);
  }

  const matches = (study: IndexedStudy): boolean => predicates.every((predicate) => predicate(study));
  return { ok: true, request: { matches, limit, offset } };
}

/** A predicate for one key, or the reason the value is malformed. */
function predicateFor(field: Field, value: string): ((study: IndexedStudy) => boolean) | string {
  switch (field) {
    case 'studyInstanceUid': {
      // PS3.4 C.2.2.2.2 list of UID matching; PS3.18 8.3.4 allows commas as well as backslashes.
      const uids = new Set(splitList(value));
      return (study) => uids.has(study.studyInstanceUid);
    }
    case 'modalities': {
      const wanted = splitList(value);
      return (study) => wanted.some((modality) => study.modalities.includes(modality));
    }
    case 'studyDate':
      return datePredicate(value);
    case 'patientName': {
      // PN matching: case-insensitive here, as most PACS configure it.
      const matcher = wildcardMatcher(value.toUpperCase());
      return (study) => matcher(study.patientName.toUpperCase());
    }
    case 'patientId':
    case 'accessionNumber': {
      const matcher = wildcardMatcher(value);
      return (study) => matcher(study[field]);
    }
  }
}

export function splitList(value: string): string[] {
  return value.split(/[\\,]/).filter((part) => part !== '');
}

/** PS3.4 C.2.2.2.5: `D`, `D1-D2`, `-D2` (on or before) or `D1-` (on or after). */
function datePredicate(value: string): ((study: IndexedStudy) => boolean) | string {
  const range = /^(\d{8})?(-)?(\d{8})?$/.exec(value);
  if (range === null || (range[1] === undefined && range[3] === undefined)) return 'expected YYYYMMDD or a YYYYMMDD-YYYYMMDD range';
  const [, from, dash, to] = range;
  if (dash === undefined) return (study) => study.studyDate === from;
  return (study) =>
    study.studyDate !== '' && (from === undefined || study.studyDate >= from) && (to === undefined || study.studyDate <= to);
}

/** PS3.4 C.2.2.2.4 wildcard matching: `*` any run of characters, `?` one character. */
export function wildcardMatcher(pattern: string): (candidate: string) => boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return (candidate) => candidate === pattern;
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 's');
  return (candidate) => regex.test(candidate);
}
