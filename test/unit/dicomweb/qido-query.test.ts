import { describe, expect, it } from 'vitest';
import { qidoStudiesPath } from '../../../src/operations/qido-studies.js';
import { dateRange, qidoSearchPath } from '../../../src/protocol/dicomweb/qido-query.js';

describe('qidoSearchPath', () => {
  it('is the bare resource without parameters', () => {
    expect(qidoSearchPath('studies', {})).toBe('/studies');
  });

  it('writes matches in order, then limit, offset and includefield', () => {
    expect(
      qidoSearchPath('studies', {
        match: { PatientID: 'PLSYN-000001', StudyDate: dateRange('20250301', '20250302') },
        limit: 25,
        offset: 50,
        includeField: ['00081030', 'StudyDescription'],
      }),
    ).toBe('/studies?PatientID=PLSYN-000001&StudyDate=20250301-20250302&limit=25&offset=50&includefield=00081030,StudyDescription');
  });

  it('percent-encodes values per RFC 3986, spaces as %20', () => {
    expect(qidoSearchPath('series', { match: { PatientName: 'DOE^JOHN *', ModalitiesInStudy: 'CT\\MR' } })).toBe(
      '/series?PatientName=DOE%5EJOHN%20*&ModalitiesInStudy=CT%5CMR',
    );
  });

  it('rejects a negative or fractional limit', () => {
    expect(() => qidoSearchPath('studies', { limit: -1 })).toThrow(TypeError);
    expect(() => qidoSearchPath('studies', { offset: 1.5 })).toThrow(TypeError);
  });
});

describe('qidoStudiesPath (the qido.studies operation query)', () => {
  it('asks for one day of one modality, one page, with the study list fields', () => {
    expect(qidoStudiesPath('20250301', 'CT', 100)).toBe(
      '/studies?StudyDate=20250301-20250301&ModalitiesInStudy=CT&limit=100&offset=0&includefield=00081030,00080060',
    );
  });

  it('leaves ModalitiesInStudy out for an empty modality', () => {
    expect(qidoStudiesPath('20250301', '', 10)).toBe('/studies?StudyDate=20250301-20250301&limit=10&offset=0&includefield=00081030,00080060');
  });
});
