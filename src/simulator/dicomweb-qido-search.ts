/**
 * QIDO-RS series and instance searches for the simulator (PS3.18 section
 * 10.6): at the root (`/series`, `/instances`, over every study), in a study
 * (`/studies/{S}/series`, `/studies/{S}/instances`) and in a series
 * (`/studies/{S}/series/{Se}/instances`), over the seeded studies and the
 * received ones (src/simulator/dicomweb-store.ts).
 *
 * Match keys, by keyword or tag (PS3.4 C.2.2.2 matching): StudyInstanceUID,
 * SeriesInstanceUID, SOPInstanceUID (UID lists), SOPClassUID and Modality
 * (single value), SeriesNumber and InstanceNumber (single value), PatientID and
 * AccessionNumber (single value with `*` and `?` wildcards), StudyDate (a date
 * or a range). Other keys (`includefield`, `fuzzymatching`, attributes not
 * matched on) are ignored, as a server ignores keys it does not support.
 *
 * Paging (PS3.18 8.3.4.4): `limit` and `offset`; without `limit` at most
 * MAX_RESULTS are returned, and a Warning says more can be requested.
 */
import type { SyntheticInstance } from '../synth/dicomweb-instances.js';
import type { DicomJsonObject } from '../synth/studies.js';
import { splitList, wildcardMatcher } from './dicomweb-qido-match.js';
import type { DicomwebStore, StoreSeries, StudyFacts } from './dicomweb-store.js';

/** Results of one search when the query sets no `limit`: a root-level `/instances` could otherwise list every image held. */
export const MAX_RESULTS = 1000;

export type SearchAnswer = { objects: DicomJsonObject[]; truncated: boolean } | { error: string };

/** Where a search looks: everywhere, in one study, or in one series. */
export interface SearchScope {
  studyUid?: string;
  seriesUid?: string;
}

type Key = 'study' | 'series' | 'sop' | 'sopClass' | 'modality' | 'seriesNumber' | 'instanceNumber' | 'patientId' | 'accession' | 'studyDate';

const KEYS: ReadonlyMap<string, Key> = new Map([
  ['studyinstanceuid', 'study'],
  ['0020000d', 'study'],
  ['seriesinstanceuid', 'series'],
  ['0020000e', 'series'],
  ['sopinstanceuid', 'sop'],
  ['00080018', 'sop'],
  ['sopclassuid', 'sopClass'],
  ['00080016', 'sopClass'],
  ['modality', 'modality'],
  ['00080060', 'modality'],
  ['seriesnumber', 'seriesNumber'],
  ['00200011', 'seriesNumber'],
  ['instancenumber', 'instanceNumber'],
  ['00200013', 'instanceNumber'],
  ['patientid', 'patientId'],
  ['00100020', 'patientId'],
  ['accessionnumber', 'accession'],
  ['00080050', 'accession'],
  ['studydate', 'studyDate'],
  ['00080020', 'studyDate'],
]);

interface Query {
  study: (facts: StudyFacts, studyUid: string) => boolean;
  series: (series: StoreSeries) => boolean;
  instance: (instance: SyntheticInstance) => boolean;
  /** Study UIDs named by the query, to skip the others without looking. */
  studyUids: ReadonlySet<string> | undefined;
  limit: number;
  offset: number;
}

/** `GET .../series`: series objects (PS3.18 Table 10.6.3-4) of every matching series in scope. */
export function searchSeries(store: DicomwebStore, queryString: string, scope: SearchScope, baseUrl: string): SearchAnswer {
  const query = parseQuery(queryString);
  if ('error' in query) return query;
  const page = new Page(query);
  for (const studyUid of studiesInScope(store, scope, query)) {
    const facts = store.studyFacts(studyUid);
    if (facts === undefined || !query.study(facts, studyUid)) continue;
    for (const series of store.series(studyUid) ?? []) {
      if (!query.series(series)) continue;
      if (!page.add(() => seriesObject(series, baseUrl))) return page.answer();
    }
  }
  return page.answer();
}

/** `GET .../instances`: instance objects (PS3.18 Table 10.6.3-5) of every matching instance in scope. */
export function searchInstances(store: DicomwebStore, queryString: string, scope: SearchScope, baseUrl: string): SearchAnswer {
  const query = parseQuery(queryString);
  if ('error' in query) return query;
  const page = new Page(query);
  for (const studyUid of studiesInScope(store, scope, query)) {
    const facts = store.studyFacts(studyUid);
    if (facts === undefined || !query.study(facts, studyUid)) continue;
    for (const series of store.series(studyUid) ?? []) {
      if (scope.seriesUid !== undefined && series.seriesInstanceUid !== scope.seriesUid) continue;
      if (!query.series(series)) continue;
      for (const instance of store.instances(studyUid, series.seriesInstanceUid) ?? []) {
        if (!query.instance(instance)) continue;
        if (!page.add(() => instanceObject(instance, baseUrl))) return page.answer();
      }
    }
  }
  return page.answer();
}

function studiesInScope(store: DicomwebStore, scope: SearchScope, query: Query): string[] {
  if (scope.studyUid !== undefined) return [scope.studyUid];
  if (query.studyUids !== undefined) return [...query.studyUids];
  return store.studyUids();
}

/** Collects results after `offset`, up to `limit`; knows when more were left out. */
class Page {
  readonly #query: Query;
  readonly objects: DicomJsonObject[] = [];
  #skipped = 0;
  #truncated = false;

  constructor(query: Query) {
    this.#query = query;
  }

  /** Adds a match; false once the page is full (the search can stop). */
  add(build: () => DicomJsonObject): boolean {
    if (this.#skipped < this.#query.offset) {
      this.#skipped++;
      return true;
    }
    if (this.objects.length >= this.#query.limit) {
      this.#truncated = true;
      return false;
    }
    this.objects.push(build());
    return true;
  }

  answer(): SearchAnswer {
    return { objects: this.objects, truncated: this.#truncated };
  }
}

function parseQuery(queryString: string): Query | { error: string } {
  const studyTests: Array<(facts: StudyFacts, studyUid: string) => boolean> = [];
  const seriesTests: Array<(series: StoreSeries) => boolean> = [];
  const instanceTests: Array<(instance: SyntheticInstance) => boolean> = [];
  let studyUids: Set<string> | undefined;
  let limit: number | undefined;
  let offset = 0;
  for (const [rawKey, value] of new URLSearchParams(queryString)) {
    const lower = rawKey.toLowerCase();
    if (lower === 'limit' || lower === 'offset') {
      if (!/^\d{1,9}$/.test(value)) return { error: `${rawKey} must be a non-negative integer` };
      if (lower === 'limit') limit = Number(value);
      else offset = Number(value);
      continue;
    }
    const key = KEYS.get(lower);
    // PS3.4 C.2.2.2.3: an empty value matches everything.
    if (key === undefined || value === '') continue;
    switch (key) {
      case 'study': {
        studyUids = new Set(splitList(value));
        const uids = studyUids;
        studyTests.push((_facts, uid) => uids.has(uid));
        break;
      }
      case 'series': {
        const uids = new Set(splitList(value));
        seriesTests.push((series) => uids.has(series.seriesInstanceUid));
        break;
      }
      case 'sop': {
        const uids = new Set(splitList(value));
        instanceTests.push((instance) => uids.has(instance.sopInstanceUid));
        break;
      }
      case 'sopClass':
        instanceTests.push((instance) => instance.sopClassUid === value);
        break;
      case 'modality':
        seriesTests.push((series) => series.modality === value);
        break;
      case 'seriesNumber':
        seriesTests.push((series) => series.seriesNumber === Number(value));
        break;
      case 'instanceNumber':
        instanceTests.push((instance) => instance.instanceNumber === Number(value));
        break;
      case 'patientId': {
        const matches = wildcardMatcher(value);
        studyTests.push((facts) => matches(facts.patientId));
        break;
      }
      case 'accession': {
        const matches = wildcardMatcher(value);
        studyTests.push((facts) => matches(facts.accessionNumber));
        break;
      }
      case 'studyDate': {
        // PS3.4 C.2.2.2.5: `D`, `D1-D2`, `-D2` or `D1-`.
        const range = /^(\d{8})?(-)?(\d{8})?$/.exec(value);
        if (range === null || (range[1] === undefined && range[3] === undefined)) return { error: `${rawKey}: expected YYYYMMDD or a YYYYMMDD-YYYYMMDD range` };
        const [, from, dash, to] = range;
        studyTests.push((facts) =>
          dash === undefined ? facts.studyDate === from : facts.studyDate !== '' && (from === undefined || facts.studyDate >= from) && (to === undefined || facts.studyDate <= to),
        );
        break;
      }
    }
  }
  return {
    study: (facts, uid) => studyTests.every((test) => test(facts, uid)),
    series: (series) => seriesTests.every((test) => test(series)),
    instance: (instance) => instanceTests.every((test) => test(instance)),
    studyUids,
    limit: limit ?? MAX_RESULTS,
    offset,
  };
}

/** Series attributes of a QIDO series answer (PS3.18 Table 10.6.3-4). */
export function seriesObject(series: StoreSeries, baseUrl: string): DicomJsonObject {
  return {
    '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
    '00080060': { vr: 'CS', Value: [series.modality] },
    '00081190': { vr: 'UR', Value: [`${baseUrl}/studies/${series.studyInstanceUid}/series/${series.seriesInstanceUid}`] },
    '0020000D': { vr: 'UI', Value: [series.studyInstanceUid] },
    '0020000E': { vr: 'UI', Value: [series.seriesInstanceUid] },
    '00200011': { vr: 'IS', Value: [series.seriesNumber] },
    '00201209': { vr: 'IS', Value: [series.instanceCount] },
  };
}

/** Instance attributes of a QIDO instance answer (PS3.18 Table 10.6.3-5), with the image geometry. */
export function instanceObject(instance: SyntheticInstance, baseUrl: string): DicomJsonObject {
  return {
    '00080016': { vr: 'UI', Value: [instance.sopClassUid] },
    '00080018': { vr: 'UI', Value: [instance.sopInstanceUid] },
    '00080060': { vr: 'CS', Value: [instance.modality] },
    '00081190': {
      vr: 'UR',
      Value: [`${baseUrl}/studies/${instance.studyInstanceUid}/series/${instance.seriesInstanceUid}/instances/${instance.sopInstanceUid}`],
    },
    '0020000D': { vr: 'UI', Value: [instance.studyInstanceUid] },
    '0020000E': { vr: 'UI', Value: [instance.seriesInstanceUid] },
    '00200013': { vr: 'IS', Value: [instance.instanceNumber] },
    '00280008': { vr: 'IS', Value: [instance.numberOfFrames] },
    '00280010': { vr: 'US', Value: [instance.rows] },
    '00280011': { vr: 'US', Value: [instance.columns] },
    '00280100': { vr: 'US', Value: [instance.bitsAllocated] },
  };
}

