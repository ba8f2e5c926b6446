/**
 * The synthetic study templates for dimse.store: element encoding (PS3.5
 * section 7.1), default shapes per modality (docs/architecture.md section 6), size
 * overrides, per-instance patching that never touches the shared pixels, the
 * seeded study identity, and reading the header back.
 */
import { describe, expect, it } from 'vitest';
import {
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  encodeElement,
  encodeFileMetaInformation,
} from '../../../src/synth/dicom-elements.js';
import { instanceValues, pickStudyModality, storeStudyIdentity } from '../../../src/synth/store-study.js';
import { IMAGE_SHAPES, STORE_MODALITIES, buildStudyTemplate, instanceFileChunks, resolveShape } from '../../../src/synth/study-template.js';
import { SYNTHETIC_INSTITUTION } from '../../../src/synth/studies.js';
import { STORE_MODALITY_NAMES } from '../../../src/profile/store-params.js';
import { readStoreHeader } from '../../../src/protocol/dimse/store-header.js';
import { fixedSend } from '../../../src/synth/identity.js';

const NOW = new Date(2026, 10, 28, 9, 30, 5);

describe('encodeElement', () => {
  it('writes an explicit VR short header and pads UI with NUL', () => {
    const bytes = encodeElement({ tag: 0x00080018, vr: 'UI', value: '1.2.3' }, true);
    expect([...bytes]).toEqual([0x08, 0x00, 0x18, 0x00, 0x55, 0x49, 6, 0, 0x31, 0x2e, 0x32, 0x2e, 0x33, 0x00]);
  });

  it('writes an implicit VR header with a 32-bit length and pads text with a space', () => {
    const bytes = encodeElement({ tag: 0x00100020, vr: 'LO', value: 'ABC' }, false);
    expect([...bytes]).toEqual([0x10, 0x00, 0x20, 0x00, 4, 0, 0, 0, 0x41, 0x42, 0x43, 0x20]);
  });

  it('writes OW with reserved bytes and a 32-bit length in explicit VR', () => {
    const bytes = encodeElement({ tag: 0x7fe00010, vr: 'OW', value: new Uint8Array([1, 2]) }, true);
    expect([...bytes]).toEqual([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0, 2, 0, 0, 0, 1, 2]);
  });

  it('writes US and AT values little endian', () => {
    expect([...encodeElement({ tag: 0x00280010, vr: 'US', value: 512 }, true).subarray(8)]).toEqual([0x00, 0x02]);
    expect([...encodeElement({ tag: 0x00280009, vr: 'AT', value: 0x00181063 }, true).subarray(8)]).toEqual([0x18, 0x00, 0x63, 0x10]);
  });

  it('starts a Part 10 file with the preamble, DICM and a group length that matches', () => {
    const meta = encodeFileMetaInformation('1.2.840.10008.5.1.4.1.1.2', '2.25.1', EXPLICIT_VR_LITTLE_ENDIAN);
    expect(meta.subarray(0, 128).every((byte) => byte === 0)).toBe(true);
    expect(meta.toString('latin1', 128, 132)).toBe('DICM');
    // (0002,0000) UL: its value is the length of the rest of the group.
    expect(meta.readUInt32LE(132 + 8)).toBe(meta.length - 132 - 12);
  });
});

describe('study shapes', () => {
  it('the profile and the templates know the same modalities', () => {
    expect([...STORE_MODALITY_NAMES]).toEqual([...STORE_MODALITIES]);
  });

  it.each([
    ['CT', 680, 512 * 1024],
    ['MR', 570, 256 * 1024],
    ['CR', 2, 10_000_000],
    ['DX', 2, 10_000_000],
    ['MG', 4, 16 * 1024 * 1024],
    ['US', 20, 640 * 480 * 3 * 10],
    ['MG_TOMO', 1, 2048 * 1664 * 2 * 52],
  ] as const)('%s: %i images of %i bytes by default', (modality, images, bytes) => {
    const shape = resolveShape({ modality });
    expect(shape.images).toBe(images);
    expect(shape.rows * shape.columns * shape.samplesPerPixel * shape.frames * (shape.bitsAllocated / 8)).toBe(bytes);
  });

  it('US is multi-frame', () => {
    expect(IMAGE_SHAPES.US.frames).toBeGreaterThan(1);
    expect(IMAGE_SHAPES.US.sopClassUid).toBe('1.2.840.10008.5.1.4.1.1.3.1');
  });

  it('MG_TOMO is one multi-frame Breast Tomosynthesis Image of about 350 MB, written as Modality MG', () => {
    const shape = resolveShape({ modality: 'MG_TOMO' });
    expect(shape.sopClassUid).toBe('1.2.840.10008.5.1.4.1.1.13.1.3');
    expect(shape.dicomModality).toBe('MG');
    expect(shape.frames).toBe(52);
    expect(shape.rows * shape.columns * shape.frames * 2).toBeGreaterThan(340_000_000);
    const template = buildStudyTemplate({ modality: 'MG_TOMO', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, imageSizeBytes: 52 * 1024, seed: 4 });
    const chunks = template.instanceChunks(instanceValues(storeStudyIdentity(fixedSend(5, 'dimse.store', 0), NOW), 0, 1, 1));
    const header = readStoreHeader(Buffer.concat(chunks), EXPLICIT_VR_LITTLE_ENDIAN);
    expect(header?.modality).toBe('MG');
    expect(header?.sopClassUid).toBe('1.2.840.10008.5.1.4.1.1.13.1.3');
    // Number of Frames (0028,0008) IS "52": tag, VR, length, value.
    expect(chunks[0]?.includes(Buffer.from([0x28, 0x00, 0x08, 0x00, 0x49, 0x53, 0x02, 0x00, 0x35, 0x32]))).toBe(true);
  });

  it('overrides images and size, rounding the size up to whole rows', () => {
    const shape = resolveShape({ modality: 'CT', images: 3, imageSizeBytes: 100_000 });
    expect(shape.images).toBe(3);
    expect(shape.series).toBe(2);
    const bytes = shape.rows * shape.columns * 2;
    expect(bytes).toBeGreaterThanOrEqual(100_000);
    expect(bytes).toBeLessThan(100_000 + 2 * shape.columns + 2);
    expect(resolveShape({ modality: 'CT', images: 1 }).series).toBe(1);
  });

  it('rejects impossible values', () => {
    expect(() => resolveShape({ modality: 'CT', images: 0 })).toThrow(RangeError);
    expect(() => resolveShape({ modality: 'CT', imageSizeBytes: 0 })).toThrow(RangeError);
  });
});

describe('buildStudyTemplate', () => {
  const study = storeStudyIdentity(fixedSend(5, 'dimse.store', 0), NOW);

  it.each([EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN] as const)('shares the pixel chunks and patches only the header (%s)', (transferSyntaxUid) => {
    const template = buildStudyTemplate({ modality: 'CT', transferSyntaxUid, images: 4, imageSizeBytes: 4096, seed: 1 });
    const first = template.instanceChunks(instanceValues(study, 0, 4, 2));
    const second = template.instanceChunks(instanceValues(study, 3, 4, 2));
    expect(first[2]).toBe(second[2]);
    expect(first[1]).toBe(second[1]);
    expect(first[0]).not.toBe(second[0]);
    expect(first[2]?.length).toBe(template.pixelBytes);
    const header = readStoreHeader(Buffer.concat(second), transferSyntaxUid);
    expect(header).toEqual({
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      sopInstanceUid: `${study.studyInstanceUid}.2.4`,
      studyInstanceUid: study.studyInstanceUid,
      seriesInstanceUid: `${study.studyInstanceUid}.2`,
      patientId: study.patientId,
      modality: 'CT',
    });
    expect(Buffer.concat(second).includes(SYNTHETIC_INSTITUTION)).toBe(true);
  });

  it('encodes every element at an even length, so the data set length is even', () => {
    for (const modality of STORE_MODALITIES) {
      const template = buildStudyTemplate({ modality, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images: 1, imageSizeBytes: 1001, seed: 2 });
      const chunks = template.instanceChunks(instanceValues(study, 0, 1, 1));
      expect(chunks.every((chunk) => chunk.length % 2 === 0)).toBe(true);
    }
  });

  it('a Part 10 file is the meta header followed by the data set', () => {
    const template = buildStudyTemplate({ modality: 'MR', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images: 1, imageSizeBytes: 512, seed: 3 });
    const values = instanceValues(study, 0, 1, 1);
    const file = Buffer.concat(instanceFileChunks(template, values));
    expect(file.toString('latin1', 128, 132)).toBe('DICM');
    expect(file.length).toBe(Buffer.concat(instanceFileChunks(template, values)).length);
    expect(file.includes(values.sopInstanceUid)).toBe(true);
  });
});

describe('storeStudyIdentity and instanceValues', () => {
  it('is deterministic in seed and iteration and marked synthetic', () => {
    const a = storeStudyIdentity(fixedSend(9, 'dimse.store', 12), NOW);
    expect(storeStudyIdentity(fixedSend(9, 'dimse.store', 12), NOW)).toEqual(a);
    expect(storeStudyIdentity(fixedSend(9, 'dimse.store', 13), NOW).studyInstanceUid).not.toBe(a.studyInstanceUid);
    expect(storeStudyIdentity(fixedSend(10, 'dimse.store', 12), NOW).studyInstanceUid).not.toBe(a.studyInstanceUid);
    expect(a.patientName).toBe('PACSLOAD^SYNTH^S00000013');
    expect(a.patientId).toMatch(/^PLSYN-\d{10}-1-0-12$/);
    expect(a.accessionNumber).toHaveLength(16);
    expect(a.studyDate).toBe('20261128');
    expect(a.studyTime).toBe('093005');
  });

  it('spreads images evenly over series, with UIDs under the study UID and within 64 characters', () => {
    const study = storeStudyIdentity(fixedSend(1, 'dimse.store', 0), NOW);
    const values = Array.from({ length: 680 }, (_, index) => instanceValues(study, index, 680, 2));
    expect(values.filter((value) => value.seriesNumber === 1)).toHaveLength(340);
    expect(new Set(values.map((value) => value.sopInstanceUid)).size).toBe(680);
    expect(values.every((value) => value.sopInstanceUid.length <= 64 && /^[0-9.]+$/.test(value.sopInstanceUid))).toBe(true);
  });

  it('picks modalities of a mix in proportion, the same way on every call', () => {
    const mix = { CT: 30, MR: 10, CR: 0, US: 60 };
    const picks = Array.from({ length: 10_000 }, (_, iteration) => pickStudyModality(mix, 4, iteration));
    expect(picks).toEqual(Array.from({ length: 10_000 }, (_, iteration) => pickStudyModality(mix, 4, iteration)));
    const share = (modality: string): number => picks.filter((pick) => pick === modality).length / picks.length;
    expect(share('CR')).toBe(0);
    expect(share('CT')).toBeGreaterThan(0.27);
    expect(share('CT')).toBeLessThan(0.33);
    expect(share('US')).toBeGreaterThan(0.57);
    expect(() => pickStudyModality({ CT: 0 }, 1, 1)).toThrow(RangeError);
  });

  it('keeps series and instances under the send\'s root when the study UID is another (a worklist item\'s)', () => {
    const send = fixedSend(1, 'chain.store', 0);
    const study = { ...storeStudyIdentity(send, NOW), studyInstanceUid: `1.${'2'.repeat(62)}` };
    const values = instanceValues(study, 0, 1, 1);
    expect(values.studyInstanceUid).toBe(study.studyInstanceUid);
    expect(values.seriesInstanceUid).toBe(`${send.root}.1`);
    expect(values.sopInstanceUid).toBe(`${send.root}.1.1`);
    expect(values.frameOfReferenceUid).toBe(`${send.root}.0`);
  });
});

describe('readStoreHeader', () => {
  it('skips sequences of undefined length and stops quietly at truncated input', () => {
    const explicit = true;
    const item = Buffer.concat([
      Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]),
      encodeElement({ tag: 0x00081150, vr: 'UI', value: '1.2.3' }, explicit),
      Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]),
    ]);
    const sequence = Buffer.concat([
      Buffer.from([0x08, 0x00, 0x10, 0x11, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff]),
      item,
      Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]),
    ]);
    const bytes = Buffer.concat([
      encodeElement({ tag: 0x00080018, vr: 'UI', value: '2.25.7' }, explicit),
      sequence,
      encodeElement({ tag: 0x0020000d, vr: 'UI', value: '2.25.8' }, explicit),
    ]);
    expect(readStoreHeader(bytes, EXPLICIT_VR_LITTLE_ENDIAN)).toEqual({ sopInstanceUid: '2.25.7', studyInstanceUid: '2.25.8' });
    expect(readStoreHeader(bytes.subarray(0, bytes.length - 3), EXPLICIT_VR_LITTLE_ENDIAN)).toEqual({ sopInstanceUid: '2.25.7' });
    expect(readStoreHeader(Buffer.alloc(3), EXPLICIT_VR_LITTLE_ENDIAN)).toEqual({});
  });
});
