import { describe, expect, it } from 'vitest';
import { readDataset } from '../../../src/simulator/dataset-reader.js';
import { readPart10 } from '../../../src/simulator/dicomweb-part10-reader.js';
import { InstanceStore, type StoredInstance } from '../../../src/simulator/instance-store.js';
import { part10Chunks, storedFrame } from '../../../src/simulator/stored-instance-bytes.js';
import { encodeElement, encodeElementHeader, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from '../../../src/synth/dicom-elements.js';
import { instanceValues, storeStudyIdentity } from '../../../src/synth/store-study.js';
import { buildStudyTemplate, instanceFileChunks } from '../../../src/synth/study-template.js';
import { fixedSend } from '../../../src/synth/identity.js';

const study = storeStudyIdentity(fixedSend(3, 'dimse.store', 0), new Date(2026, 10, 28, 9, 30, 0));

/** A received Part-10 file as the store keeps it (what STOW-RS does with a part). */
function fromPart10(file: Buffer): StoredInstance {
  const reading = readPart10(file);
  if (!reading.ok) throw new Error(reading.reason);
  const dataset = file.subarray(reading.datasetOffset);
  return {
    attributes: reading.attributes,
    dataset,
    transferSyntaxUid: reading.transferSyntaxUid,
    pixelData: reading.pixelData === undefined ? undefined : { offset: reading.pixelData.offset - reading.datasetOffset, length: reading.pixelData.length },
    receivedBytes: dataset.length,
    costBytes: InstanceStore.costOf(dataset.length),
  };
}

describe('stored instance bytes', () => {
  it('reads a synthetic study instance and gives back its data set, as a Part-10 file, and its pixels as frame 1', () => {
    const template = buildStudyTemplate({ modality: 'CT', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images: 2, imageSizeBytes: 2048, seed: 3 });
    const values = instanceValues(study, 1, 2, 1);
    const chunks = template.instanceChunks(values);
    const stored = fromPart10(Buffer.concat(instanceFileChunks(template, values)));
    expect(stored.attributes).toMatchObject({
      studyInstanceUid: values.studyInstanceUid,
      sopInstanceUid: values.sopInstanceUid,
      patientId: values.patientId,
      studyTime: values.studyTime,
      modality: 'CT',
      instanceNumber: 2,
      rows: template.shape.rows,
      columns: template.shape.columns,
      bitsAllocated: 16,
    });
    const file = Buffer.concat(part10Chunks(stored));
    expect(file.toString('latin1', 128, 132)).toBe('DICM');
    const again = readPart10(file);
    expect(again.ok && again.transferSyntaxUid).toBe(EXPLICIT_VR_LITTLE_ENDIAN);
    expect(file.subarray(again.ok ? again.datasetOffset : 0).equals(Buffer.concat(chunks))).toBe(true);
    expect(storedFrame(stored, 1)?.bytes.equals(chunks[2]!)).toBe(true);
    expect(storedFrame(stored, 2)).toBeUndefined();
  });

  it('cuts frame n of a native multi-frame image (PS3.5 8.2), also from an Implicit VR data set', () => {
    const template = buildStudyTemplate({ modality: 'US', transferSyntaxUid: IMPLICIT_VR_LITTLE_ENDIAN, images: 1, imageSizeBytes: 3000, seed: 1 });
    const values = instanceValues(study, 0, 1, 1);
    const dataset = Buffer.concat(template.instanceChunks(values));
    const reading = readDataset(dataset, IMPLICIT_VR_LITTLE_ENDIAN);
    const { frames, rows, columns, samplesPerPixel } = template.shape;
    expect(reading.attributes).toMatchObject({ rows, columns, samplesPerPixel, numberOfFrames: frames, sopInstanceUid: values.sopInstanceUid });
    expect(frames).toBeGreaterThan(2);
    const stored: StoredInstance = {
      attributes: withRequiredDefaults(reading.attributes),
      dataset,
      transferSyntaxUid: IMPLICIT_VR_LITTLE_ENDIAN,
      pixelData: reading.pixelData,
      receivedBytes: dataset.length,
      costBytes: InstanceStore.costOf(dataset.length),
    };
    const frameLength = rows * columns * samplesPerPixel;
    const pixels = template.instanceChunks(values)[2]!;
    expect(storedFrame(stored, 3)?.bytes.equals(pixels.subarray(2 * frameLength, 3 * frameLength))).toBe(true);
    expect(storedFrame(stored, frames + 1)).toBeUndefined();
  });

  it('gives one fragment per frame of encapsulated pixel data (PS3.5 A.4)', () => {
    const fragments = [Buffer.from('frame-one!'), Buffer.from('frame-two!!!')];
    const item = (bytes: Buffer): Buffer => Buffer.concat([itemHeader(0xe000, bytes.length), bytes]);
    const dataset = Buffer.concat([
      encodeElement({ tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' }, true),
      encodeElement({ tag: 0x00080018, vr: 'UI', value: '2.25.1' }, true),
      encodeElement({ tag: 0x0020000d, vr: 'UI', value: '2.25.2' }, true),
      encodeElement({ tag: 0x0020000e, vr: 'UI', value: '2.25.3' }, true),
      encodeElement({ tag: 0x00280008, vr: 'IS', value: '2' }, true),
      encodeElement({ tag: 0x00280010, vr: 'US', value: 4 }, true),
      encodeElement({ tag: 0x00280011, vr: 'US', value: 4 }, true),
      encodeElementHeader(0x7fe00010, 'OB', 0, true).fill(0xff, 8, 12),
      item(Buffer.alloc(0)),
      ...fragments.map(item),
      itemHeader(0xe0dd, 0),
    ]);
    const jpegBaseline = '1.2.840.10008.1.2.4.50';
    const reading = readDataset(dataset, jpegBaseline);
    expect(reading.pixelData?.length).toBeUndefined();
    const stored: StoredInstance = {
      attributes: withRequiredDefaults(reading.attributes),
      dataset,
      transferSyntaxUid: jpegBaseline,
      pixelData: reading.pixelData,
      receivedBytes: dataset.length,
      costBytes: InstanceStore.costOf(dataset.length),
    };
    expect(storedFrame(stored, 2)).toEqual({ bytes: fragments[1], transferSyntaxUid: jpegBaseline });
  });
});

function itemHeader(element: number, length: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(0xfffe, 0);
  header.writeUInt16LE(element, 2);
  header.writeUInt32LE(length, 4);
  return header;
}

function withRequiredDefaults(attributes: ReturnType<typeof readDataset>['attributes']): StoredInstance['attributes'] {
  return {
    patientId: '',
    patientName: '',
    studyDate: '',
    accessionNumber: '',
    modality: 'OT',
    seriesNumber: 1,
    instanceNumber: 1,
    rows: 0,
    columns: 0,
    bitsAllocated: 16,
    numberOfFrames: 1,
    ...attributes,
    studyInstanceUid: attributes.studyInstanceUid!,
    seriesInstanceUid: attributes.seriesInstanceUid!,
    sopInstanceUid: attributes.sopInstanceUid!,
    sopClassUid: attributes.sopClassUid!,
  };
}
