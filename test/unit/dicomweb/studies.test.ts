import { describe, expect, it } from 'vitest';
import { StudyTag, buildStudies, type DicomJsonObject } from '../../../src/synth/studies.js';

const first = (study: DicomJsonObject, tag: string): unknown => study[tag]?.Value?.[0];

describe('buildStudies', () => {
  it('is deterministic in seed and date, and differs between seeds', () => {
    const a = buildStudies({ count: 50, seed: 42, date: '20250301' });
    expect(buildStudies({ count: 50, seed: 42, date: '20250301' })).toEqual(a);
    expect(buildStudies({ count: 50, seed: 43, date: '20250301' })).not.toEqual(a);
  });

  it('builds the requested count, all visibly synthetic', () => {
    const studies = buildStudies({ count: 200, seed: 1, date: '20250301' });
    expect(studies).toHaveLength(200);
    for (const study of studies) {
      expect(first(study, StudyTag.InstitutionName)).toBe('SYNTHETIC LOAD-TEST DATA');
      expect(first(study, StudyTag.PatientID)).toMatch(/^PLSYN-\d{6}$/);
      expect((first(study, StudyTag.PatientName) as { Alphabetic: string }).Alphabetic).toMatch(/^PACSLOAD\^SYNTH\^/);
      expect(first(study, StudyTag.StudyDate)).toBe('20250301');
      expect(first(study, StudyTag.StudyTime)).toMatch(/^(0[7-9]|1[0-8])[0-5]\d[0-5]\d$/);
      expect(String(first(study, StudyTag.AccessionNumber)).length).toBeLessThanOrEqual(16);
      expect(study[StudyTag.ModalitiesInStudy]?.Value?.length).toBeGreaterThanOrEqual(1);
      expect(first(study, StudyTag.NumberOfStudyRelatedSeries)).toEqual(expect.any(Number));
      expect(first(study, StudyTag.NumberOfStudyRelatedInstances)).toEqual(expect.any(Number));
    }
  });

  it('gives unique 2.25 UIDs of at most 64 characters (PS3.5 B.2 and 9.1)', () => {
    const uids = buildStudies({ count: 1000, seed: 9, date: '20250301' }).map((study) => String(first(study, StudyTag.StudyInstanceUID)));
    expect(new Set(uids).size).toBe(1000);
    for (const uid of uids) {
      expect(uid).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
      expect(uid.length).toBeLessThanOrEqual(64);
    }
  });

  it('serializes to about 1 KB per study, as a real QIDO answer', () => {
    const studies = buildStudies({ count: 100, seed: 5, date: '20250301' });
    const bytesPerStudy = Buffer.byteLength(JSON.stringify(studies)) / studies.length;
    expect(bytesPerStudy).toBeGreaterThan(800);
    expect(bytesPerStudy).toBeLessThan(2048);
  });

  it('follows the modality mix roughly', () => {
    const studies = buildStudies({ count: 2000, seed: 7, date: '20250301' });
    const ct = studies.filter((study) => first(study, StudyTag.ModalitiesInStudy) === 'CT').length;
    expect(ct / studies.length).toBeGreaterThan(0.25);
    expect(ct / studies.length).toBeLessThan(0.35);
    const onlyMr = buildStudies({ count: 20, seed: 7, date: '20250301', modalityMix: { MR: 1 } });
    expect(onlyMr.every((study) => first(study, StudyTag.ModalitiesInStudy) === 'MR')).toBe(true);
  });

  it('spreads dates backwards across a month boundary when asked', () => {
    const dates = buildStudies({ count: 300, seed: 2, date: '20250302', spreadDays: 3 }).map((study) => String(first(study, StudyTag.StudyDate)));
    expect(new Set(dates)).toEqual(new Set(['20250227', '20250228', '20250301', '20250302']));
    expect([...dates].sort()).toEqual(dates);
  });

  it('rejects a bad count or date', () => {
    expect(() => buildStudies({ count: -1, seed: 1, date: '20250301' })).toThrow(RangeError);
    expect(() => buildStudies({ count: 1, seed: 1, date: '2025-03-01' })).toThrow(RangeError);
  });
});
