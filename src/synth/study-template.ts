/**
 * Image templates for synthetic study sends (docs/architecture.md section 6 figures): one per
 * modality, encoded once per worker. The pixel data element is encoded once and
 * shared, never copied or changed; per instance only the small header (UIDs,
 * patient, accession, numbers) is encoded again, so a send costs microseconds of
 * CPU, not the milliseconds a full re-encode of a 0.5 MiB image costs (docs/architecture.md
 * section 10, defect 4).
 *
 * An instance is a list of chunks: [header, pixel element header, pixel bytes].
 * Their concatenation is the data set in the template's transfer syntax, as a
 * C-STORE carries it (PS3.7 section 9.3.1.1); with a File Meta Information
 * header in front (`encodeFileMetaInformation`) it is a Part 10 file.
 *
 * The attributes are the minimum a PACS indexes and a viewer displays (patient,
 * study, series, image pixel module), not a complete IOD. InstitutionName says
 * the data is synthetic (`SYNTHETIC_INSTITUTION`).
 */
import {
  EXPLICIT_VR_LITTLE_ENDIAN,
  encodeElement,
  encodeFileMetaInformation,
  encodeElementHeader,
  type LittleEndianTransferSyntax,
  type TemplateElement,
  type TemplateVr,
} from './dicom-elements.js';
import { createRandom } from './random.js';
import { SYNTHETIC_INSTITUTION } from './studies.js';

/**
 * Modalities with a synthetic study shape. `MG_TOMO` is a breast tomosynthesis
 * study (DICOM Modality MG): one large multi-frame object, the biggest single
 * send a PACS sees.
 */
export const STORE_MODALITIES = ['CT', 'MR', 'CR', 'DX', 'MG', 'US', 'MG_TOMO'] as const;
export type StoreModality = (typeof STORE_MODALITIES)[number];

export function isStoreModality(value: string): value is StoreModality {
  return (STORE_MODALITIES as readonly string[]).includes(value);
}

/** What one image of a modality looks like, and how many a study has. */
export interface ImageShape {
  /** The Modality (0008,0060) value written (PS3.3 C.7.3.1.1.1). */
  dicomModality: string;
  sopClassUid: string;
  /** Images (SOP instances) per study. */
  images: number;
  /** Series the images are spread over (at most one per image). */
  series: number;
  rows: number;
  columns: number;
  /** Frames per instance; more than 1 makes it a multi-frame object. */
  frames: number;
  samplesPerPixel: 1 | 3;
  bitsAllocated: 8 | 16;
  photometric: 'MONOCHROME2' | 'RGB';
  imageType: string;
}

/**
 * Default shapes (docs/architecture.md section 6): CT about 680 x 0.5 MiB, MR about 570 x
 * 256 KiB, CR/DX 2 x 10 MB, MG 4 x 16 MiB, US 20 multi-frame clips of 10 RGB
 * frames (9.2 MB each), MG_TOMO one Breast Tomosynthesis Image of 52 frames of
 * 2048 x 1664 (354 MB, "about 350 MB"). SOP classes from PS3.4 Table B.5-1.
 * The tomosynthesis object carries the classic image attributes plus Number of
 * Frames, not the enhanced IOD's functional group macros (PS3.3 A.55): archives
 * store it by SOP class without checking them; it exists to move the bytes.
 */
export const IMAGE_SHAPES: Readonly<Record<StoreModality, ImageShape>> = {
  CT: { dicomModality: 'CT', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', images: 680, series: 2, rows: 512, columns: 512, frames: 1, samplesPerPixel: 1, bitsAllocated: 16, photometric: 'MONOCHROME2', imageType: 'ORIGINAL\\PRIMARY\\AXIAL' },
  MR: { dicomModality: 'MR', sopClassUid: '1.2.840.10008.5.1.4.1.1.4', images: 570, series: 6, rows: 512, columns: 256, frames: 1, samplesPerPixel: 1, bitsAllocated: 16, photometric: 'MONOCHROME2', imageType: 'ORIGINAL\\PRIMARY' },
  CR: { dicomModality: 'CR', sopClassUid: '1.2.840.10008.5.1.4.1.1.1', images: 2, series: 2, rows: 2500, columns: 2000, frames: 1, samplesPerPixel: 1, bitsAllocated: 16, photometric: 'MONOCHROME2', imageType: 'ORIGINAL\\PRIMARY' },
  DX: { dicomModality: 'DX', sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1', images: 2, series: 2, rows: 2500, columns: 2000, frames: 1, samplesPerPixel: 1, bitsAllocated: 16, photometric: 'MONOCHROME2', imageType: 'ORIGINAL\\PRIMARY' },
  MG: { dicomModality: 'MG', sopClassUid: '1.2.840.10008.5.1.4.1.1.1.2', images: 4, series: 4, rows: 4096, columns: 2048, frames: 1, samplesPerPixel: 1, bitsAllocated: 16, photometric: 'MONOCHROME2', imageType: 'ORIGINAL\\PRIMARY' },
  US: { dicomModality: 'US', sopClassUid: '1.2.840.10008.5.1.4.1.1.3.1', images: 20, series: 1, rows: 480, columns: 640, frames: 10, samplesPerPixel: 3, bitsAllocated: 8, photometric: 'RGB', imageType: 'ORIGINAL\\PRIMARY' },
  MG_TOMO: { dicomModality: 'MG', sopClassUid: '1.2.840.10008.5.1.4.1.1.13.1.3', images: 1, series: 1, rows: 2048, columns: 1664, frames: 52, samplesPerPixel: 1, bitsAllocated: 16, photometric: 'MONOCHROME2', imageType: 'ORIGINAL\\PRIMARY\\TOMOSYNTHESIS\\NONE' },
};

/** What varies per instance; everything else is fixed in the template. */
export interface InstanceValues {
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  seriesNumber: number;
  instanceNumber: number;
  patientName: string;
  patientId: string;
  accessionNumber: string;
  /** Study ID (0020,0010), SH. */
  studyId: string;
  /** Frame of Reference UID (0020,0052): the images of a study share one. */
  frameOfReferenceUid: string;
  /** DA, YYYYMMDD. */
  studyDate: string;
  /** TM, HHMMSS. */
  studyTime: string;
}

export interface StudyTemplateOptions {
  modality: StoreModality;
  transferSyntaxUid: LittleEndianTransferSyntax;
  /** Images per study; the modality's default when undefined. */
  images?: number | undefined;
  /**
   * Pixel data bytes per image (all frames); the modality's default when
   * undefined. Rows and columns keep the default aspect ratio and are rounded
   * up, so the real size is at least this (and at least one pixel).
   */
  imageSizeBytes?: number | undefined;
  /** Seeds the pixel pattern. */
  seed: number;
}

export interface StudyTemplate {
  readonly modality: StoreModality;
  readonly shape: ImageShape;
  readonly transferSyntaxUid: LittleEndianTransferSyntax;
  /** Bytes of pixel data per instance (even). */
  readonly pixelBytes: number;
  /**
   * The data set of one instance as chunks to write in order. The pixel chunks
   * are shared by every instance and must never be modified; the header chunk
   * is new on every call.
   */
  instanceChunks(values: InstanceValues): Buffer[];
}

/** Which instance value fills a per-instance element. */
type ValueKey = keyof InstanceValues;

/** A template element: fixed, or filled from the instance's values. */
type Slot = TemplateElement | { tag: number; vr: TemplateVr; key: ValueKey };

/**
 * Encodes the template: fixed elements in runs, the pixel data element once.
 * Throws a RangeError for an impossible size (a bug in the caller; the profile
 * schema checks the user's values).
 */
export function buildStudyTemplate(options: StudyTemplateOptions): StudyTemplate {
  const shape = resolveShape(options);
  const explicitVr = options.transferSyntaxUid === EXPLICIT_VR_LITTLE_ENDIAN;
  const pixels = buildPixels(shape, options.seed);
  // PS3.5 section 8.2: OW for 16-bit pixels; OB may be used for 8-bit in Explicit VR.
  const pixelVr: TemplateVr = shape.bitsAllocated === 16 ? 'OW' : 'OB';
  const pixelHeader = encodeElementHeader(0x7fe00010, pixelVr, pixels.length, explicitVr);

  // Runs of fixed elements are encoded now; per-instance slots stay open.
  const segments: Array<Buffer | { tag: number; vr: TemplateVr; key: ValueKey }> = [];
  let run: Buffer[] = [];
  for (const slot of headerSlots(shape)) {
    if ('key' in slot) {
      if (run.length > 0) segments.push(Buffer.concat(run));
      run = [];
      segments.push(slot);
    } else {
      run.push(encodeElement(slot, explicitVr));
    }
  }
  if (run.length > 0) segments.push(Buffer.concat(run));

  return {
    modality: options.modality,
    shape,
    transferSyntaxUid: options.transferSyntaxUid,
    pixelBytes: pixels.length,
    instanceChunks(values) {
      // Numbers (IS) become decimal text (PS3.5 Table 6.2-1).
      const parts = segments.map((segment) =>
        Buffer.isBuffer(segment)
          ? segment
          : encodeElement({ tag: segment.tag, vr: segment.vr, value: String(values[segment.key]) }, explicitVr),
      );
      return [Buffer.concat(parts), pixelHeader, pixels];
    },
  };
}

/** One instance as a Part 10 file (PS3.10 section 7.1): File Meta Information, then the data set chunks. */
export function instanceFileChunks(template: StudyTemplate, values: InstanceValues): Buffer[] {
  const meta = encodeFileMetaInformation(template.shape.sopClassUid, values.sopInstanceUid, template.transferSyntaxUid);
  return [meta, ...template.instanceChunks(values)];
}

/** The modality's shape with the options' image count and size applied. */
export function resolveShape(options: Pick<StudyTemplateOptions, 'modality' | 'images' | 'imageSizeBytes'>): ImageShape {
  const base = IMAGE_SHAPES[options.modality];
  const images = options.images ?? base.images;
  if (!Number.isInteger(images) || images < 1) throw new RangeError(`images must be a positive integer, got ${images}`);
  const shape: ImageShape = { ...base, images, series: Math.min(base.series, images) };
  if (options.imageSizeBytes === undefined) return shape;
  const size = options.imageSizeBytes;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`imageSizeBytes must be a positive integer, got ${size}`);
  const bytesPerPixel = (base.bitsAllocated / 8) * base.samplesPerPixel;
  const pixelsPerFrame = Math.max(1, Math.ceil(size / (bytesPerPixel * base.frames)));
  // Keep the default aspect ratio; US/UL Rows and Columns are 16-bit (PS3.3 C.7.6.3).
  const columns = Math.min(0xffff, Math.max(1, Math.round(Math.sqrt((pixelsPerFrame * base.columns) / base.rows))));
  const rows = Math.ceil(pixelsPerFrame / columns);
  if (rows > 0xffff) throw new RangeError(`imageSizeBytes ${size} needs more than 65535 rows`);
  return { ...shape, rows, columns };
}

/** A seeded gradient with noise, so viewers show something and no two runs of the pattern compress alike. */
function buildPixels(shape: ImageShape, seed: number): Buffer {
  const samples = shape.rows * shape.columns * shape.samplesPerPixel * shape.frames;
  const length = samples * (shape.bitsAllocated / 8);
  // PS3.5 section 8.1.1: pixel data is padded to an even length.
  const pixels = Buffer.alloc(length + (length % 2));
  const random = createRandom(seed);
  const offset = Math.floor(random() * 1024);
  if (shape.bitsAllocated === 16) {
    const view = new Uint16Array(pixels.buffer, pixels.byteOffset, samples);
    for (let index = 0; index < samples; index++) {
      const column = index % shape.columns;
      view[index] = (offset + column + ((index * 2654435761) >>> 24)) & 0x0fff;
    }
  } else {
    for (let index = 0; index < samples; index++) pixels[index] = (offset + index + ((index * 2654435761) >>> 27)) & 0xff;
  }
  return pixels;
}

/** The header elements in ascending tag order (PS3.5 section 7.1: data elements are sorted by tag). */
function headerSlots(shape: ImageShape): Slot[] {
  const modality = shape.dicomModality;
  const grayscale = shape.samplesPerPixel === 1;
  const multiFrame = shape.frames > 1;
  const slots: Slot[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
    { tag: 0x00080008, vr: 'CS', value: shape.imageType },
    { tag: 0x00080016, vr: 'UI', value: shape.sopClassUid },
    { tag: 0x00080018, vr: 'UI', key: 'sopInstanceUid' },
    { tag: 0x00080020, vr: 'DA', key: 'studyDate' },
    { tag: 0x00080030, vr: 'TM', key: 'studyTime' },
    { tag: 0x00080050, vr: 'SH', key: 'accessionNumber' },
    { tag: 0x00080060, vr: 'CS', value: modality },
    { tag: 0x00080070, vr: 'LO', value: 'PACSLOAD' },
    { tag: 0x00080080, vr: 'LO', value: SYNTHETIC_INSTITUTION },
    { tag: 0x00080090, vr: 'PN', value: '' },
    { tag: 0x00081030, vr: 'LO', value: `SYNTHETIC ${modality} STUDY` },
    { tag: 0x0008103e, vr: 'LO', value: `SYNTHETIC ${modality} SERIES` },
    { tag: 0x00100010, vr: 'PN', key: 'patientName' },
    { tag: 0x00100020, vr: 'LO', key: 'patientId' },
    { tag: 0x00100030, vr: 'DA', value: '' },
    { tag: 0x00100040, vr: 'CS', value: 'O' },
  ];
  // Cine module (PS3.3 C.7.6.5): Frame Time, required by the multi-frame IODs.
  if (multiFrame) slots.push({ tag: 0x00181063, vr: 'DS', value: '33.3' });
  slots.push(
    { tag: 0x0020000d, vr: 'UI', key: 'studyInstanceUid' },
    { tag: 0x0020000e, vr: 'UI', key: 'seriesInstanceUid' },
    { tag: 0x00200010, vr: 'SH', key: 'studyId' },
    { tag: 0x00200011, vr: 'IS', key: 'seriesNumber' },
    { tag: 0x00200013, vr: 'IS', key: 'instanceNumber' },
    // Frame of Reference module (PS3.3 C.7.4.1), required by the CT and MR Image IODs.
    { tag: 0x00200052, vr: 'UI', key: 'frameOfReferenceUid' },
    { tag: 0x00280002, vr: 'US', value: shape.samplesPerPixel },
    { tag: 0x00280004, vr: 'CS', value: shape.photometric },
  );
  // Planar Configuration is required when Samples per Pixel > 1 (PS3.3 C.7.6.3.1.3).
  if (!grayscale) slots.push({ tag: 0x00280006, vr: 'US', value: 0 });
  if (multiFrame) {
    slots.push({ tag: 0x00280008, vr: 'IS', value: String(shape.frames) });
    // Frame Increment Pointer -> Frame Time (PS3.3 C.7.6.6).
    slots.push({ tag: 0x00280009, vr: 'AT', value: 0x00181063 });
  }
  const bitsStored = shape.bitsAllocated === 16 ? 12 : 8;
  slots.push(
    { tag: 0x00280010, vr: 'US', value: shape.rows },
    { tag: 0x00280011, vr: 'US', value: shape.columns },
    { tag: 0x00280100, vr: 'US', value: shape.bitsAllocated },
    { tag: 0x00280101, vr: 'US', value: bitsStored },
    { tag: 0x00280102, vr: 'US', value: bitsStored - 1 },
    { tag: 0x00280103, vr: 'US', value: 0 },
  );
  if (grayscale) {
    slots.push({ tag: 0x00281050, vr: 'DS', value: '2048' }, { tag: 0x00281051, vr: 'DS', value: '4096' });
  }
  return slots;
}
