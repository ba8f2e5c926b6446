/**
 * Study Root Query/Retrieve matching for the simulator (PS3.4 C.6.2 and the
 * matching rules of C.2.2.2): which studies, series or instances of the prior
 * archive an identifier selects, and the identifier of each C-FIND answer.
 *
 * Levels: STUDY, SERIES and IMAGE (PS3.4 C.6.2.1). Matching keys honoured:
 * PatientID, AccessionNumber, StudyDate (single date or range, C.2.2.2.5),
 * StudyInstanceUID, SeriesInstanceUID and SOPInstanceUID (single UID or a
 * backslash-separated list, C.2.2.2.2), Modality and ModalitiesInStudy. Every
 * other key is a return key. A query that names neither a patient nor a study
 * searches only the patients listed so far (the archive is built lazily).
 *
 * Besides the seeded archive, every level searches and retrieves the studies
 * the simulator received (by C-STORE or STOW-RS, src/simulator/instance-store.ts),
 * with the attributes their headers carried; C-MOVE and C-GET send those
 * instances as they were received (the match's `instance.stored`). A study
 * in both (a prior sent back to the simulator) is answered from the archive.
 */
import type { PriorArchive, PriorInstance, PriorSeries, PriorStudy } from './dimse-qr-archive.js';
import { instancesInOrder, type InstanceStore, type StoredStudyEntry } from './instance-store.js';

export type Identifier = Record<string, unknown>;
export type QueryLevel = 'STUDY' | 'SERIES' | 'IMAGE';

export interface InstanceMatch {
  study: PriorStudy;
  series: PriorSeries;
  instance: PriorInstance;
}

/** The level of an identifier, or undefined when QueryRetrieveLevel is missing or unknown (PS3.4 C.4.1.1.3.1). */
export function queryLevel(identifier: Identifier): QueryLevel | undefined {
  const level = text(identifier.QueryRetrieveLevel)?.trim().toUpperCase();
  return level === 'STUDY' || level === 'SERIES' || level === 'IMAGE' ? level : undefined;
}

/** The C-FIND answers (pending response identifiers) for `identifier` at `level`. */
export function findAnswers(archive: PriorArchive, identifier: Identifier, level: QueryLevel, store?: InstanceStore): Identifier[] {
  const studies = candidateStudies(archive, identifier, store).filter((study) => matchesStudy(identifier, study));
  if (level === 'STUDY') return studies.map((study) => answer(identifier, studyValues(study)));
  const series = studies.flatMap((study) =>
    study.series.filter((item) => matchesSeries(identifier, item)).map((item) => ({ study, series: item })),
  );
  if (level === 'SERIES') return series.map(({ study, series: item }) => answer(identifier, { ...studyValues(study), ...seriesValues(item) }));
  return series.flatMap(({ study, series: item }) =>
    item.instances
      .filter((instance) => matchesList(identifier.SOPInstanceUID, instance.sopInstanceUid))
      .map((instance) => answer(identifier, { ...studyValues(study), ...seriesValues(item), ...instanceValues(instance) })),
  );
}

/** The instances a C-MOVE or C-GET identifier selects (PS3.4 C.4.2.2.1, C.4.3.2.1: unique keys down to its level). */
export function retrieveInstances(archive: PriorArchive, identifier: Identifier, store?: InstanceStore): InstanceMatch[] {
  const level = queryLevel(identifier) ?? 'STUDY';
  const studies = candidateStudies(archive, identifier, store).filter((study) => matchesList(identifier.StudyInstanceUID, study.studyInstanceUid));
  const matches: InstanceMatch[] = [];
  for (const study of studies) {
    for (const series of study.series) {
      if (level !== 'STUDY' && !matchesList(identifier.SeriesInstanceUID, series.seriesInstanceUid)) continue;
      for (const instance of series.instances) {
        if (level === 'IMAGE' && !matchesList(identifier.SOPInstanceUID, instance.sopInstanceUid)) continue;
        matches.push({ study, series, instance });
      }
    }
  }
  return matches;
}

/** The studies a query may select: by exact Patient ID, else by Study Instance UID, else every study known. */
function candidateStudies(archive: PriorArchive, identifier: Identifier, store: InstanceStore | undefined): PriorStudy[] {
  const patientId = text(identifier.PatientID);
  if (patientId !== undefined && patientId !== '' && !/[*?]/.test(patientId)) {
    const priors = archive.studiesOf(patientId);
    return [...priors, ...storedStudies(store?.studiesOfPatient(patientId) ?? [], priors)];
  }
  const studyUids = uidList(identifier.StudyInstanceUID);
  if (studyUids.length > 0) {
    return studyUids
      .map((uid) => {
        const prior = archive.study(uid);
        if (prior !== undefined) return prior;
        const stored = store?.study(uid);
        return stored === undefined ? undefined : storedAsPrior(stored);
      })
      .filter((study): study is PriorStudy => study !== undefined);
  }
  const priors = archive.knownStudies();
  return [...priors, ...storedStudies(store?.studies() ?? [], priors)];
}

/** Received studies in the archive's shape, leaving out any the archive answers for already. */
function storedStudies(entries: readonly StoredStudyEntry[], priors: readonly PriorStudy[]): PriorStudy[] {
  if (entries.length === 0) return [];
  const known = new Set(priors.map((study) => study.studyInstanceUid));
  return entries.filter((entry) => !known.has(entry.studyInstanceUid)).map(storedAsPrior);
}

/** A received study in the archive's shape: study attributes from its first instance, each instance with its bytes. */
function storedAsPrior(entry: StoredStudyEntry): PriorStudy {
  const series = [...entry.series.values()].map((item, index): PriorSeries => {
    const instances = instancesInOrder(item);
    const first = instances[0]?.attributes;
    return {
      seriesInstanceUid: item.seriesInstanceUid,
      seriesNumber: first?.seriesNumber ?? index + 1,
      modality: first?.modality ?? '',
      seriesDescription: first?.seriesDescription ?? '',
      instances: instances.map((stored) => ({
        sopClassUid: stored.attributes.sopClassUid,
        sopInstanceUid: stored.attributes.sopInstanceUid,
        instanceNumber: stored.attributes.instanceNumber,
        stored,
      })),
    };
  });
  const first = series[0]?.instances[0]?.stored?.attributes;
  return {
    patientId: first?.patientId ?? '',
    patientName: first?.patientName ?? '',
    patientBirthDate: first?.patientBirthDate ?? '',
    patientSex: first?.patientSex ?? '',
    studyInstanceUid: entry.studyInstanceUid,
    studyDate: first?.studyDate ?? '',
    studyTime: first?.studyTime ?? '',
    accessionNumber: first?.accessionNumber ?? '',
    studyId: first?.studyId ?? '',
    studyDescription: first?.studyDescription ?? '',
    modality: [...new Set(series.map((item) => item.modality).filter((modality) => modality !== ''))].join('\\'),
    series,
  };
}

function matchesStudy(identifier: Identifier, study: PriorStudy): boolean {
  return (
    matchesString(identifier.PatientID, study.patientId) &&
    matchesString(identifier.AccessionNumber, study.accessionNumber) &&
    matchesList(identifier.StudyInstanceUID, study.studyInstanceUid) &&
    matchesDate(identifier.StudyDate, study.studyDate) &&
    matchesModalities(identifier.ModalitiesInStudy, study)
  );
}

function matchesSeries(identifier: Identifier, series: PriorSeries): boolean {
  return matchesList(identifier.SeriesInstanceUID, series.seriesInstanceUid) && matchesString(identifier.Modality, series.modality);
}

function studyValues(study: PriorStudy): Identifier {
  const instances = study.series.reduce((sum, series) => sum + series.instances.length, 0);
  return {
    StudyDate: study.studyDate,
    StudyTime: study.studyTime,
    AccessionNumber: study.accessionNumber,
    ModalitiesInStudy: study.modality,
    StudyDescription: study.studyDescription,
    PatientName: study.patientName,
    PatientID: study.patientId,
    PatientBirthDate: study.patientBirthDate,
    PatientSex: study.patientSex,
    StudyInstanceUID: study.studyInstanceUid,
    StudyID: study.studyId,
    NumberOfStudyRelatedSeries: study.series.length,
    NumberOfStudyRelatedInstances: instances,
  };
}

function seriesValues(series: PriorSeries): Identifier {
  return {
    Modality: series.modality,
    SeriesDescription: series.seriesDescription,
    SeriesInstanceUID: series.seriesInstanceUid,
    SeriesNumber: series.seriesNumber,
    NumberOfSeriesRelatedInstances: series.instances.length,
  };
}

function instanceValues(instance: PriorInstance): Identifier {
  return { SOPClassUID: instance.sopClassUid, SOPInstanceUID: instance.sopInstanceUid, InstanceNumber: instance.instanceNumber };
}

/**
 * The identifier of one answer (PS3.4 C.4.1.1.3.2): every key asked for, with
 * the archive's value or zero length (`null`), plus the level.
 */
function answer(identifier: Identifier, values: Identifier): Identifier {
  const response: Identifier = {};
  for (const keyword of Object.keys(identifier)) {
    if (keyword === '_vrMap') continue;
    response[keyword] = keyword in values ? values[keyword] : null;
  }
  response.QueryRetrieveLevel = identifier.QueryRetrieveLevel;
  return response;
}

function text(value: unknown): string | undefined {
  const single: unknown = Array.isArray(value) ? value[0] : value;
  if (single === undefined || single === null) return undefined;
  return typeof single === 'string' || typeof single === 'number' ? String(single) : undefined;
}

/** UID list matching (C.2.2.2.2): dcmjs gives multi-valued UIDs as an array, or one backslash-separated string. */
function uidList(value: unknown): string[] {
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values
    .flatMap((item) => (typeof item === 'string' ? item.split('\\') : []))
    .map((uid) => uid.trim())
    .filter((uid) => uid !== '');
}

function matchesList(key: unknown, value: string): boolean {
  const uids = uidList(key);
  return uids.length === 0 || uids.includes(value);
}

/** Single value or wildcard matching (C.2.2.2.1, C.2.2.2.4); empty or absent is universal (C.2.2.2.3). */
function matchesString(key: unknown, value: string): boolean {
  const pattern = text(key);
  if (pattern === undefined || pattern === '' || pattern === '*') return true;
  if (!/[*?]/.test(pattern)) return pattern.trim() === value;
  const regex = new RegExp(`^${pattern.trim().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}

/** DA single value or range `from-to`, `from-`, `-to` (C.2.2.2.5). */
function matchesDate(key: unknown, value: string): boolean {
  const pattern = text(key)?.trim();
  if (pattern === undefined || pattern === '') return true;
  if (!pattern.includes('-')) return pattern === value;
  const [from = '', to = ''] = pattern.split('-');
  return (from === '' || value >= from) && (to === '' || value <= to);
}

function matchesModalities(key: unknown, study: PriorStudy): boolean {
  const wanted = (Array.isArray(key) ? key : [key]).flatMap((item) => (typeof item === 'string' ? item.split('\\') : [])).filter((item) => item !== '');
  if (wanted.length === 0) return true;
  return study.series.some((series) => wanted.includes(series.modality));
}
