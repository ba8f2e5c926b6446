import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readPart10Head } from '../../../src/simulator/dicomweb-part10-reader.js';
import { RENDERED_JPEG, RENDERED_PNG } from '../../../src/simulator/dicomweb-rendered-images.js';
import { DicomwebStore, FAILURE_OUT_OF_RESOURCES } from '../../../src/simulator/dicomweb-store.js';
import {
  buildStowStudy,
  encodePart10,
  frameBytes,
  instanceOfSeries,
  pixelDataFor,
  seriesOfStudy,
} from '../../../src/synth/dicomweb-instances.js';
import { buildStudies, StudyTag } from '../../../src/synth/studies.js';
import { fixedSend } from '../../../src/synth/identity.js';

describe('synthetic DICOMweb instances', () => {
  it('derive series and instances of a seeded study deterministically, sharing its instance count', () => {
    const [study] = buildStudies({ count: 1, seed: 2, date: '20250301' });
    const series = seriesOfStudy(study!);
    expect(series).toHaveLength(Number(study![StudyTag.NumberOfStudyRelatedSeries]!.Value![0]));
    expect(series.reduce((sum, one) => sum + one.instanceCount, 0)).toBe(Number(study![StudyTag.NumberOfStudyRelatedInstances]!.Value![0]));
    expect(seriesOfStudy(study!)).toEqual(series);
    const first = instanceOfSeries(study!, series[0]!, 1);
    expect(instanceOfSeries(study!, series[0]!, 1)).toEqual(first);
    expect(instanceOfSeries(study!, series[0]!, 2).sopInstanceUid).not.toBe(first.sopInstanceUid);
    expect(first.sopInstanceUid).toMatch(/^2\.25\.\d{1,39}$/);
  });

  it('encode a Part-10 file that the simulator reads back, with the shared pixel data', () => {
    const [instance] = buildStowStudy({ send: fixedSend(5, 'stow.study', 7), instances: 1, modality: 'MR', studyDate: '20250301' });
    const { head, pixelData } = encodePart10(instance!);
    expect(head.toString('latin1', 128, 132)).toBe('DICM');
    expect(pixelData).toBe(pixelDataFor(256, 256));
    expect(pixelData.length).toBe(frameBytes(instance!));
    const reading = readPart10Head(Buffer.concat([head, pixelData]));
    expect(reading).toEqual({ ok: true, instance });
    // Only the head is needed.
    expect(readPart10Head(head)).toEqual({ ok: true, instance });
  });

  it('make a new study per index, with a visibly synthetic patient', () => {
    const a = buildStowStudy({ send: fixedSend(5, 'stow.study', 1), instances: 2, modality: 'CT', studyDate: '20250301' });
    const b = buildStowStudy({ send: fixedSend(5, 'stow.study', 2), instances: 2, modality: 'CT', studyDate: '20250301' });
    expect(a[0]!.studyInstanceUid).not.toBe(b[0]!.studyInstanceUid);
    expect(a[0]!.studyInstanceUid).toBe(a[1]!.studyInstanceUid);
    expect(a[0]!.patientId).toMatch(/^PLSYN-/);
    expect(a[0]!.patientId).not.toBe(b[0]!.patientId);
    expect(a[0]!.accessionNumber.length).toBeLessThanOrEqual(16);
  });

  it('pixel patterns never hold `--`, so a multipart boundary cannot occur in them', () => {
    expect(pixelDataFor(512, 512).includes('--')).toBe(false);
  });
});

describe('readPart10Head', () => {
  it('reports what it cannot read', () => {
    expect(readPart10Head(Buffer.from('not dicom'))).toMatchObject({ ok: false });
    const [instance] = buildStowStudy({ send: fixedSend(1, 'stow.study', 0), instances: 1, modality: 'CT', rows: 4, columns: 4, studyDate: '20250301' });
    const { head } = encodePart10(instance!);
    // Cut inside the file meta information.
    expect(readPart10Head(head.subarray(0, 150))).toMatchObject({ ok: false });
  });
});

describe('DicomwebStore', () => {
  it('keeps stored instances by study and series, and refuses new ones beyond its bound (A700)', () => {
    const store = new DicomwebStore([], 2);
    const study = buildStowStudy({ send: fixedSend(1, 'stow.study', 0), instances: 3, modality: 'CT', rows: 4, columns: 4, studyDate: '20250301' });
    expect(store.store(study[0]!)).toEqual({ ok: true });
    expect(store.store(study[1]!)).toEqual({ ok: true });
    // The same instance again replaces, it does not count twice.
    expect(store.store(study[1]!)).toEqual({ ok: true });
    expect(store.store(study[2]!)).toEqual({ ok: false, failureReason: FAILURE_OUT_OF_RESOURCES });
    expect(store.storedInstances).toBe(2);
    const series = store.series(study[0]!.studyInstanceUid)!;
    expect(series).toEqual([expect.objectContaining({ seriesInstanceUid: study[0]!.seriesInstanceUid, instanceCount: 2 })]);
    expect(store.instances(study[0]!.studyInstanceUid, study[0]!.seriesInstanceUid)).toEqual([study[0], study[1]]);
    expect(store.instance(study[0]!.studyInstanceUid, study[0]!.seriesInstanceUid, study[1]!.sopInstanceUid)).toEqual(study[1]);
    expect(store.storedStudyObjects()).toHaveLength(1);
    expect(store.series('1.2.3')).toBeUndefined();
  });

  it('answers for seeded studies without storing them', () => {
    const studies = buildStudies({ count: 3, seed: 8, date: '20250301' });
    const store = new DicomwebStore(studies);
    const uid = String(studies[0]![StudyTag.StudyInstanceUID]!.Value![0]);
    const [series] = store.series(uid)!;
    const instances = store.instances(uid, series!.seriesInstanceUid)!;
    expect(instances).toHaveLength(series!.instanceCount);
    expect(store.instance(uid, series!.seriesInstanceUid, instances.at(-1)!.sopInstanceUid)).toEqual(instances.at(-1));
    expect(store.storedInstances).toBe(0);
  });
});

describe('rendered images', () => {
  it('are a JPEG with SOI, SOF0 and EOI, and a PNG whose image data inflates to 8 rows of 8 grey pixels', () => {
    expect([...RENDERED_JPEG.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(RENDERED_JPEG.includes(Buffer.from([0xff, 0xc0]))).toBe(true);
    expect([...RENDERED_JPEG.subarray(-2)]).toEqual([0xff, 0xd9]);
    expect(RENDERED_PNG.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const idatAt = RENDERED_PNG.indexOf('IDAT');
    const idatLength = RENDERED_PNG.readUInt32BE(idatAt - 4);
    const raw = inflateSync(RENDERED_PNG.subarray(idatAt + 4, idatAt + 4 + idatLength));
    expect(raw.length).toBe(8 * 9);
    expect(raw[1]).toBe(128);
  });
});
