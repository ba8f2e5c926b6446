import { describe, expect, it } from 'vitest';
import { indexStudy, parseQidoStudiesQuery, type IndexedStudy } from '../../../src/simulator/dicomweb-qido-match.js';
import { buildStudies } from '../../../src/synth/studies.js';

const study = (overrides: Partial<IndexedStudy>): IndexedStudy => ({
  studyInstanceUid: '2.25.1',
  patientId: 'PLSYN-000001',
  patientName: 'PACSLOAD^SYNTH^000001',
  accessionNumber: 'PL20250301000001',
  studyDate: '20250301',
  modalities: ['CT', 'SR'],
  ...overrides,
});

function matcher(query: string): (candidate: IndexedStudy) => boolean {
  const parsed = parseQidoStudiesQuery(query);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.request.matches;
}

describe('indexStudy', () => {
  it('reads the matchable fields of a synthetic study', () => {
    const [built] = buildStudies({ count: 1, seed: 1, date: '20250301' });
    const indexed = indexStudy(built!);
    expect(indexed.patientId).toMatch(/^PLSYN-/);
    expect(indexed.patientName).toMatch(/^PACSLOAD\^SYNTH\^/);
    expect(indexed.studyDate).toBe('20250301');
    expect(indexed.studyInstanceUid).toMatch(/^2\.25\./);
    expect(indexed.modalities.length).toBeGreaterThan(0);
  });
});

describe('parseQidoStudiesQuery', () => {
  it('pages with limit and offset', () => {
    expect(parseQidoStudiesQuery('limit=5&offset=10')).toMatchObject({ ok: true, request: { limit: 5, offset: 10 } });
    expect(parseQidoStudiesQuery('')).toMatchObject({ ok: true, request: { limit: undefined, offset: 0 } });
    expect(parseQidoStudiesQuery('limit=-1')).toMatchObject({ ok: false });
    expect(parseQidoStudiesQuery('offset=abc')).toMatchObject({ ok: false });
  });

  it('matches by keyword or by tag, in any case', () => {
    expect(matcher('PatientID=PLSYN-000001')(study({}))).toBe(true);
    expect(matcher('00100020=PLSYN-000002')(study({}))).toBe(false);
    expect(matcher('0020000d=2.25.1')(study({}))).toBe(true);
  });

  it('matches ModalitiesInStudy when any listed modality is in the study', () => {
    expect(matcher('ModalitiesInStudy=SR')(study({}))).toBe(true);
    expect(matcher('ModalitiesInStudy=MR%5CCT')(study({}))).toBe(true);
    expect(matcher('ModalitiesInStudy=MR,US')(study({}))).toBe(false);
  });

  it('matches single dates and closed or open ranges (PS3.4 C.2.2.2.5)', () => {
    const s = study({ studyDate: '20250301' });
    expect(matcher('StudyDate=20250301')(s)).toBe(true);
    expect(matcher('StudyDate=20250302')(s)).toBe(false);
    expect(matcher('StudyDate=20250301-20250301')(s)).toBe(true);
    expect(matcher('StudyDate=20250201-20250228')(s)).toBe(false);
    expect(matcher('StudyDate=-20250301')(s)).toBe(true);
    expect(matcher('StudyDate=20250302-')(s)).toBe(false);
    expect(parseQidoStudiesQuery('StudyDate=2025-03-01')).toMatchObject({ ok: false });
  });

  it('matches wildcards (PS3.4 C.2.2.2.4), names case-insensitively', () => {
    expect(matcher('PatientID=PLSYN-*')(study({}))).toBe(true);
    expect(matcher('PatientID=PLSYN-00000?')(study({}))).toBe(true);
    expect(matcher('PatientID=PLSYN.*')(study({}))).toBe(false);
    expect(matcher('PatientName=pacsload%5Esynth*')(study({}))).toBe(true);
  });

  it('treats empty values as universal and ignores includefield and unknown keys', () => {
    const matches = matcher('PatientID=&includefield=00081030,00080060&fuzzymatching=false&StudyDescription=X');
    expect(matches(study({}))).toBe(true);
  });

  it('ANDs all keys together', () => {
    expect(matcher('ModalitiesInStudy=CT&StudyDate=20250301&PatientID=PLSYN-000001')(study({}))).toBe(true);
    expect(matcher('ModalitiesInStudy=CT&StudyDate=20250302')(study({}))).toBe(false);
  });
});
