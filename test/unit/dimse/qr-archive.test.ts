/** The simulator's prior archive and its Study Root matching (PS3.4 C.6.2, C.2.2.2), and C-MOVE destination resolution. */
import { describe, expect, it } from 'vitest';
import { priorPatientId } from '../../../src/operations/qr-priors.js';
import { PriorArchive, priorInstanceDataset, studyInstances } from '../../../src/simulator/dimse-qr-archive.js';
import { findAnswers, queryLevel, retrieveInstances } from '../../../src/simulator/dimse-qr-match.js';
import { resolveMoveDestination } from '../../../src/simulator/dimse-qr.js';

const DATE = '20260115';
const archive = (seed = 3): PriorArchive => new PriorArchive({ seed, date: DATE });

function patientWithPriors(source: PriorArchive): string {
  for (let index = 0; ; index++) {
    const id = priorPatientId(index, 1_000_000);
    if (source.studiesOf(id).length > 0) return id;
  }
}

describe('PriorArchive', () => {
  it('is the same for the same seed and differs for another', () => {
    const id = priorPatientId(0, 10);
    expect(archive().studiesOf(id)).toEqual(archive().studiesOf(id));
    const uids = (source: PriorArchive): string[] =>
      Array.from({ length: 20 }, (_, index) => source.studiesOf(priorPatientId(index, 20)).map((study) => study.studyInstanceUid)).flat();
    expect(uids(archive(3))).not.toEqual(uids(archive(4)));
  });

  it('gives about 45% of patients no prior and the others 5 to 15, newest first, all before the date', () => {
    const source = archive();
    const counts = Array.from({ length: 1000 }, (_, index) => source.studiesOf(priorPatientId(index, 1000)).length);
    const without = counts.filter((count) => count === 0).length;
    expect(without).toBeGreaterThan(380);
    expect(without).toBeLessThan(520);
    expect(counts.filter((count) => count > 0).every((count) => count >= 5 && count <= 15)).toBe(true);
    const studies = source.studiesOf(patientWithPriors(source));
    expect(studies.map((study) => study.studyDate)).toEqual([...studies.map((study) => study.studyDate)].sort().reverse());
    expect(studies.every((study) => study.studyDate < DATE && study.accessionNumber.length <= 16)).toBe(true);
  });

  it('has nothing for patient IDs that are not synthetic', () => {
    expect(archive().studiesOf('12345')).toEqual([]);
  });

  it('builds tiny, visibly synthetic instances', () => {
    const source = archive();
    const [study] = source.studiesOf(patientWithPriors(source));
    const [first] = studyInstances(study!);
    const dataset = priorInstanceDataset(study!, first!.series, first!.instance);
    expect(dataset).toMatchObject({ InstitutionName: 'SYNTHETIC LOAD-TEST DATA', Rows: 16, Columns: 16, BitsAllocated: 16 });
    expect(String(dataset.PatientID)).toMatch(/^PLSYN-\d{6}$/);
    expect(((dataset.PixelData as ArrayBuffer[])[0]!).byteLength).toBe(512);
  });
});

describe('Study Root matching', () => {
  const source = archive();
  const patientId = patientWithPriors(source);
  const studies = source.studiesOf(patientId);

  it('reads the level (PS3.4 C.4.1.1.3.1)', () => {
    expect(queryLevel({ QueryRetrieveLevel: 'SERIES' })).toBe('SERIES');
    expect(queryLevel({ QueryRetrieveLevel: 'PATIENT' })).toBeUndefined();
    expect(queryLevel({})).toBeUndefined();
  });

  it('answers study level by Patient ID with the keys asked for, zero length where unknown', () => {
    const answers = findAnswers(source, { QueryRetrieveLevel: 'STUDY', PatientID: patientId, StudyInstanceUID: '', OtherPatientIDs: '' }, 'STUDY');
    expect(answers).toHaveLength(studies.length);
    expect(answers[0]).toEqual({
      QueryRetrieveLevel: 'STUDY',
      PatientID: patientId,
      StudyInstanceUID: studies[0]!.studyInstanceUid,
      OtherPatientIDs: null,
    });
  });

  it('matches UID lists, date ranges, wildcards and modalities', () => {
    const two = [studies[0]!.studyInstanceUid, studies[1]!.studyInstanceUid];
    const series = findAnswers(source, { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: two, SeriesInstanceUID: '' }, 'SERIES');
    expect(series).toHaveLength(studies[0]!.series.length + studies[1]!.series.length);
    const newestDate = studies[0]!.studyDate;
    const since = findAnswers(source, { QueryRetrieveLevel: 'STUDY', PatientID: patientId, StudyDate: `${newestDate}-` }, 'STUDY');
    expect(since.length).toBeGreaterThanOrEqual(1);
    expect(since.length).toBeLessThan(studies.length + 1);
    expect(findAnswers(source, { QueryRetrieveLevel: 'STUDY', PatientID: `${patientId.slice(0, 8)}*` }, 'STUDY').length).toBeGreaterThanOrEqual(
      studies.length,
    );
    const modality = studies[0]!.modality;
    const byModality = findAnswers(source, { QueryRetrieveLevel: 'STUDY', PatientID: patientId, ModalitiesInStudy: modality }, 'STUDY');
    expect(byModality).toHaveLength(studies.filter((study) => study.modality === modality).length);
  });

  it('selects the instances to retrieve at study, series and image level', () => {
    const study = studies[0]!;
    const all = studyInstances(study);
    expect(retrieveInstances(source, { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: study.studyInstanceUid })).toHaveLength(all.length);
    const series = study.series[0]!;
    expect(
      retrieveInstances(source, { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: study.studyInstanceUid, SeriesInstanceUID: series.seriesInstanceUid }),
    ).toHaveLength(series.instances.length);
    const image = series.instances[0]!;
    const one = retrieveInstances(source, {
      QueryRetrieveLevel: 'IMAGE',
      StudyInstanceUID: study.studyInstanceUid,
      SeriesInstanceUID: series.seriesInstanceUid,
      SOPInstanceUID: image.sopInstanceUid,
    });
    expect(one.map((match) => match.instance.sopInstanceUid)).toEqual([image.sopInstanceUid]);
    expect(retrieveInstances(source, { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: '2.25.1' })).toEqual([]);
  });
});

describe('resolveMoveDestination', () => {
  const configured = new Map([['PACS-B', { host: '10.0.0.2', port: 104 }]]);

  it('prefers the configured map, then the `<name>:<port>` convention with the caller\'s address', () => {
    expect(resolveMoveDestination('PACS-B', configured, '127.0.0.1')).toEqual({ host: '10.0.0.2', port: 104 });
    expect(resolveMoveDestination('PLSCP:40123 ', configured, '::ffff:127.0.0.1')).toEqual({ host: '127.0.0.1', port: 40123 });
  });

  it('knows nothing else', () => {
    expect(resolveMoveDestination('UNKNOWN', configured, '127.0.0.1')).toBeUndefined();
    expect(resolveMoveDestination('PLSCP:0', configured, '127.0.0.1')).toBeUndefined();
    expect(resolveMoveDestination('PLSCP:70000', configured, '127.0.0.1')).toBeUndefined();
    expect(resolveMoveDestination('PLSCP:4000', configured, undefined)).toBeUndefined();
  });
});
