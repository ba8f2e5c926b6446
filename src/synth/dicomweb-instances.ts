/**
 * Synthetic image instances for DICOMweb: the series and instances behind the
 * seeded studies of src/synth/studies.ts (for the simulator's QIDO and WADO-RS),
 * small synthetic studies for STOW-RS, and their Part-10 files (PS3.10 section
 * 7: 128-byte preamble, `DICM`, the File Meta Information group, then the data
 * set in Explicit VR Little Endian, PS3.5 section 7.1.2), written with the
 * element encoder the study templates use (dicom-elements.ts).
 *
 * Pixel data is a deterministic pattern per image size, shared by every
 * instance of that size (one buffer, never copied), so a checker can compare a
 * retrieved frame with what was sent without keeping it.
 */
import { EXPLICIT_VR_LITTLE_ENDIAN, encodeElement, encodeElementHeader, encodeFileMetaInformation, type TemplateElement } from './dicom-elements.js';
import { createRandom, deriveSeed } from './random.js';
import { StudyTag, type DicomJsonObject } from './studies.js';
import { instanceUid, seriesUid, type SendIdentity } from './identity.js';
import { syntheticUid } from './uid.js';

/** Everything an instance's header says, in one flat record. */
export interface SyntheticInstance {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  patientId: string;
  patientName: string;
  studyDate: string;
  accessionNumber: string;
  modality: string;
  seriesNumber: number;
  instanceNumber: number;
  rows: number;
  columns: number;
  /** Always 16 here: MONOCHROME2, one sample, 12 bits stored. */
  bitsAllocated: number;
  numberOfFrames: number;
}

/** One series of a synthetic study. */
export interface SyntheticSeries {
  seriesInstanceUid: string;
  seriesNumber: number;
  modality: string;
  instanceCount: number;
}

/** Storage SOP classes per modality (PS3.4 Annex B.5). */
const SOP_CLASS_BY_MODALITY: Readonly<Record<string, string>> = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  CR: '1.2.840.10008.5.1.4.1.1.1',
  DX: '1.2.840.10008.5.1.4.1.1.1.1',
  US: '1.2.840.10008.5.1.4.1.1.6.1',
  MG: '1.2.840.10008.5.1.4.1.1.1.2',
};
/** Secondary Capture Image Storage, for any other modality. */
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

/** Image matrix per modality, near real sizes (docs/architecture.md section 6: CT 0.5 MiB per image, CR several MB). */
const MATRIX_BY_MODALITY: Readonly<Record<string, [rows: number, columns: number]>> = {
  CT: [512, 512],
  MR: [256, 256],
  CR: [2048, 2048],
  DX: [2048, 2048],
  US: [480, 640],
  MG: [2048, 1664],
};

export function sopClassFor(modality: string): string {
  return SOP_CLASS_BY_MODALITY[modality] ?? SECONDARY_CAPTURE;
}

export function matrixFor(modality: string): [rows: number, columns: number] {
  return MATRIX_BY_MODALITY[modality] ?? [256, 256];
}

/** A 32-bit hash of a string (FNV-1a), to derive seeds from UIDs. */
function hashString(value: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < value.length; at++) hash = Math.imul(hash ^ value.charCodeAt(at), 0x01000193);
  return hash >>> 0;
}

/** A UID that depends only on `parentUid` and `index`: the same on every run and machine. */
export function childUid(parentUid: string, index: number): string {
  return syntheticUid(createRandom(deriveSeed(hashString(parentUid), index)));
}

function firstString(object: DicomJsonObject, tag: string): string {
  const value = object[tag]?.Value?.[0];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) return value.Alphabetic;
  return '';
}

function firstNumber(object: DicomJsonObject, tag: string): number {
  const value = Number(object[tag]?.Value?.[0]);
  return Number.isFinite(value) ? value : 0;
}

/**
 * The series of a seeded study: NumberOfStudyRelatedSeries series of its first
 * modality, sharing NumberOfStudyRelatedInstances between them as evenly as
 * whole numbers allow (the first series take the remainder).
 */
export function seriesOfStudy(study: DicomJsonObject): SyntheticSeries[] {
  const studyUid = firstString(study, StudyTag.StudyInstanceUID);
  const modality = firstString(study, StudyTag.ModalitiesInStudy) || 'OT';
  const seriesCount = Math.max(1, firstNumber(study, StudyTag.NumberOfStudyRelatedSeries));
  const instances = Math.max(seriesCount, firstNumber(study, StudyTag.NumberOfStudyRelatedInstances));
  const base = Math.floor(instances / seriesCount);
  const remainder = instances % seriesCount;
  return Array.from({ length: seriesCount }, (_, index) => ({
    seriesInstanceUid: childUid(studyUid, index + 1),
    seriesNumber: index + 1,
    modality,
    instanceCount: base + (index < remainder ? 1 : 0),
  }));
}

/** Instance `instanceNumber` (from 1) of a series of a seeded study. */
export function instanceOfSeries(study: DicomJsonObject, series: SyntheticSeries, instanceNumber: number): SyntheticInstance {
  const [rows, columns] = matrixFor(series.modality);
  return {
    studyInstanceUid: firstString(study, StudyTag.StudyInstanceUID),
    seriesInstanceUid: series.seriesInstanceUid,
    sopInstanceUid: childUid(series.seriesInstanceUid, instanceNumber),
    sopClassUid: sopClassFor(series.modality),
    patientId: firstString(study, StudyTag.PatientID),
    patientName: firstString(study, StudyTag.PatientName),
    studyDate: firstString(study, StudyTag.StudyDate),
    accessionNumber: firstString(study, StudyTag.AccessionNumber),
    modality: series.modality,
    seriesNumber: series.seriesNumber,
    instanceNumber,
    rows,
    columns,
    bitsAllocated: 16,
    numberOfFrames: 1,
  };
}

export interface StowStudyOptions {
  /** The send's identities (src/synth/identity.ts): study, series and instance UIDs, patient ID, accession. */
  send: SendIdentity;
  instances: number;
  modality: string;
  /** Image matrix; default the modality's (CT 512 x 512). */
  rows?: number;
  columns?: number;
  /** Today, DICOM DA. */
  studyDate: string;
}

/**
 * A whole synthetic study for STOW: `instances` images in one series, with
 * the send's identities (series `<root>.1`, instances `<root>.1.<n>`) and a
 * visibly synthetic patient (PLSYN-..., PACSLOAD^SYNTH^STOW...). Cheap: a few
 * records, no pixel data (see `pixelDataFor`).
 */
export function buildStowStudy(options: StowStudyOptions): SyntheticInstance[] {
  const { send } = options;
  const [defaultRows, defaultColumns] = matrixFor(options.modality);
  const ordinal = String(send.iteration % 1_000_000).padStart(6, '0');
  const seriesInstanceUid = seriesUid(send.root, 1);
  return Array.from({ length: options.instances }, (_, index) => ({
    studyInstanceUid: send.studyInstanceUid,
    seriesInstanceUid,
    sopInstanceUid: instanceUid(send.root, 1, index + 1),
    sopClassUid: sopClassFor(options.modality),
    patientId: send.patientId,
    patientName: `PACSLOAD^SYNTH^STOW${ordinal}`,
    studyDate: options.studyDate,
    accessionNumber: send.accessionNumber,
    modality: options.modality,
    seriesNumber: 1,
    instanceNumber: index + 1,
    rows: options.rows ?? defaultRows,
    columns: options.columns ?? defaultColumns,
    bitsAllocated: 16,
    numberOfFrames: 1,
  }));
}

/** Bytes of one frame: rows x columns x 2 (16 bits allocated, one sample). */
export function frameBytes(instance: Pick<SyntheticInstance, 'rows' | 'columns' | 'bitsAllocated'>): number {
  return instance.rows * instance.columns * (instance.bitsAllocated / 8);
}

const pixelCache = new Map<string, Buffer>();
/** Sizes kept; a handful are in use at a time. */
const PIXEL_CACHE_ENTRIES = 16;

/**
 * The pixel data of every synthetic image of this size: a 12-bit diagonal
 * pattern, little endian. One shared, read-only buffer per size: callers must
 * not write into it.
 */
export function pixelDataFor(rows: number, columns: number): Buffer {
  const key = `${rows}x${columns}`;
  let pixels = pixelCache.get(key);
  if (pixels === undefined) {
    pixels = Buffer.alloc(rows * columns * 2);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) pixels.writeUInt16LE(((x + y) * 7) & 0x0fff, (y * columns + x) * 2);
    }
    if (pixelCache.size >= PIXEL_CACHE_ENTRIES) pixelCache.delete(pixelCache.keys().next().value!);
    pixelCache.set(key, pixels);
  }
  return pixels;
}

/** Explicit VR Little Endian (PS3.5 section A.2), the transfer syntax of these files. */
export { EXPLICIT_VR_LITTLE_ENDIAN };
/**
 * The Implementation Class UID (PS3.7 D.3.3.2) these files have carried so
 * far; the study templates' files carry dicom-elements.ts's.
 * TODO(#4): one UID for both (changes these files' bytes).
 */
const DICOMWEB_IMPLEMENTATION_CLASS_UID = '2.25.216172782113783808130394120138153921034';

/**
 * The instance as a Part-10 file, in two pieces: `head` (preamble, meta
 * information and every element up to the Pixel Data element header) and
 * `pixelData` (the shared buffer of `pixelDataFor`). Concatenated, they are the file.
 */
export function encodePart10(instance: SyntheticInstance): { head: Buffer; pixelData: Buffer } {
  const pixelData = pixelDataFor(instance.rows, instance.columns);
  const meta = encodeFileMetaInformation(instance.sopClassUid, instance.sopInstanceUid, EXPLICIT_VR_LITTLE_ENDIAN, DICOMWEB_IMPLEMENTATION_CLASS_UID);
  // Ascending tag order (PS3.5 section 7.1); text in UTF-8, as (0008,0005) ISO_IR 192 says.
  const elements: TemplateElement[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
    { tag: 0x00080016, vr: 'UI', value: instance.sopClassUid },
    { tag: 0x00080018, vr: 'UI', value: instance.sopInstanceUid },
    { tag: 0x00080020, vr: 'DA', value: instance.studyDate },
    { tag: 0x00080050, vr: 'SH', value: instance.accessionNumber },
    { tag: 0x00080060, vr: 'CS', value: instance.modality },
    { tag: 0x00080080, vr: 'LO', value: 'SYNTHETIC LOAD-TEST DATA' },
    { tag: 0x00100010, vr: 'PN', value: instance.patientName },
    { tag: 0x00100020, vr: 'LO', value: instance.patientId },
    { tag: 0x0020000d, vr: 'UI', value: instance.studyInstanceUid },
    { tag: 0x0020000e, vr: 'UI', value: instance.seriesInstanceUid },
    { tag: 0x00200011, vr: 'IS', value: String(instance.seriesNumber) },
    { tag: 0x00200013, vr: 'IS', value: String(instance.instanceNumber) },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: instance.rows },
    { tag: 0x00280011, vr: 'US', value: instance.columns },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00280101, vr: 'US', value: 12 },
    { tag: 0x00280102, vr: 'US', value: 11 },
    { tag: 0x00280103, vr: 'US', value: 0 },
  ];
  const dataset = elements.map((element) => encodeElement(element, true, 'utf8'));
  const pixelHeader = encodeElementHeader(0x7fe00010, 'OW', pixelData.length, true);
  return { head: Buffer.concat([meta, ...dataset, pixelHeader]), pixelData };
}

/** The study, series and instance attributes of an instance as DICOM JSON (PS3.18 Annex F.2), as WADO-RS metadata returns. */
export function instanceToDicomJson(instance: SyntheticInstance): DicomJsonObject {
  return {
    '00080016': { vr: 'UI', Value: [instance.sopClassUid] },
    '00080018': { vr: 'UI', Value: [instance.sopInstanceUid] },
    '00080020': { vr: 'DA', Value: [instance.studyDate] },
    '00080050': { vr: 'SH', Value: [instance.accessionNumber] },
    '00080060': { vr: 'CS', Value: [instance.modality] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: instance.patientName }] },
    '00100020': { vr: 'LO', Value: [instance.patientId] },
    '0020000D': { vr: 'UI', Value: [instance.studyInstanceUid] },
    '0020000E': { vr: 'UI', Value: [instance.seriesInstanceUid] },
    '00200011': { vr: 'IS', Value: [instance.seriesNumber] },
    '00200013': { vr: 'IS', Value: [instance.instanceNumber] },
    '00280002': { vr: 'US', Value: [1] },
    '00280004': { vr: 'CS', Value: ['MONOCHROME2'] },
    '00280008': { vr: 'IS', Value: [instance.numberOfFrames] },
    '00280010': { vr: 'US', Value: [instance.rows] },
    '00280011': { vr: 'US', Value: [instance.columns] },
    '00280100': { vr: 'US', Value: [instance.bitsAllocated] },
  };
}
