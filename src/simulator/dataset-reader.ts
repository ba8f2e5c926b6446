/**
 * Reads what the simulator's store indexes from an encoded data set: the
 * UIDs, patient, study and series attributes a Q/R or QIDO search matches on,
 * the image geometry a WADO-RS frame request needs, and where the Pixel Data
 * value lies, so frames can be cut out of the kept bytes without decoding.
 *
 * Little endian only: Explicit VR (PS3.5 section 7.1.2, also the data set of
 * the encapsulated transfer syntaxes, PS3.5 A.4) or Implicit VR (7.1.3).
 * Sequences of undefined length are skipped to their delimiter (PS3.5 7.5.2).
 * Reading stops at Pixel Data; nothing after it is needed.
 */

/** Implicit VR Little Endian (PS3.5 A.1). */
export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
/** Transfer syntaxes this reader cannot read: Explicit VR Big Endian (retired) and Deflated (PS3.5 A.3, A.5). */
export const UNREADABLE_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set(['1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']);

/** Attributes read from a data set; absent when the data set lacks them. */
export interface DatasetAttributes {
  sopClassUid?: string;
  sopInstanceUid?: string;
  studyDate?: string;
  studyTime?: string;
  accessionNumber?: string;
  modality?: string;
  studyDescription?: string;
  seriesDescription?: string;
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  studyId?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  samplesPerPixel?: number;
  numberOfFrames?: number;
  rows?: number;
  columns?: number;
  bitsAllocated?: number;
}

/** Where the Pixel Data value is; `length` undefined when encapsulated (undefined length, PS3.5 A.4). */
export interface PixelDataLocation {
  offset: number;
  length: number | undefined;
}

export interface DatasetReading {
  attributes: DatasetAttributes;
  pixelData: PixelDataLocation | undefined;
}

type TextKey = Exclude<keyof DatasetAttributes, NumberKey>;
type NumberKey = 'seriesNumber' | 'instanceNumber' | 'samplesPerPixel' | 'numberOfFrames' | 'rows' | 'columns' | 'bitsAllocated';

/** Tags read (PS3.6), to the attribute they fill. */
const TEXT_TAGS: ReadonlyMap<number, TextKey> = new Map([
  [0x00080016, 'sopClassUid'],
  [0x00080018, 'sopInstanceUid'],
  [0x00080020, 'studyDate'],
  [0x00080030, 'studyTime'],
  [0x00080050, 'accessionNumber'],
  [0x00080060, 'modality'],
  [0x00081030, 'studyDescription'],
  [0x0008103e, 'seriesDescription'],
  [0x00100010, 'patientName'],
  [0x00100020, 'patientId'],
  [0x00100030, 'patientBirthDate'],
  [0x00100040, 'patientSex'],
  [0x0020000d, 'studyInstanceUid'],
  [0x0020000e, 'seriesInstanceUid'],
  [0x00200010, 'studyId'],
]);
/** IS values (text holding a number). */
const INTEGER_STRING_TAGS: ReadonlyMap<number, NumberKey> = new Map([
  [0x00200011, 'seriesNumber'],
  [0x00200013, 'instanceNumber'],
  [0x00280008, 'numberOfFrames'],
]);
/** US values (16-bit binary). */
const US_TAGS: ReadonlyMap<number, NumberKey> = new Map([
  [0x00280002, 'samplesPerPixel'],
  [0x00280010, 'rows'],
  [0x00280011, 'columns'],
  [0x00280100, 'bitsAllocated'],
]);

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
export const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const PIXEL_DATA = 0x7fe00010;

/**
 * Reads the data set that starts at `startAt` in `bytes`, encoded in
 * `transferSyntaxUid` (a little endian one; see UNREADABLE_TRANSFER_SYNTAXES).
 * Never throws for short or odd input: what could not be read is absent.
 */
export function readDataset(bytes: Buffer, transferSyntaxUid: string, startAt = 0): DatasetReading {
  const reader = new ElementReader(bytes, startAt, transferSyntaxUid !== IMPLICIT_VR_LITTLE_ENDIAN);
  const attributes: DatasetAttributes = {};
  let pixelData: PixelDataLocation | undefined;
  while (reader.remaining >= 8) {
    const element = reader.next();
    if (element === undefined) break;
    if (element.tag === PIXEL_DATA) {
      pixelData = { offset: element.valueAt, length: element.length === UNDEFINED_LENGTH ? undefined : element.length };
      break;
    }
    if (element.length === UNDEFINED_LENGTH) {
      if (!reader.skipUndefinedLength()) break;
      continue;
    }
    if (element.valueAt + element.length <= bytes.length) readValue(bytes, element, attributes);
    reader.skip(element.length);
  }
  return { attributes, pixelData };
}

function readValue(bytes: Buffer, element: ElementHeader, attributes: DatasetAttributes): void {
  const textKey = TEXT_TAGS.get(element.tag);
  if (textKey !== undefined) {
    // PS3.5 6.2: UI pads with NUL, the other string VRs with a space.
    attributes[textKey] = bytes.toString('utf8', element.valueAt, element.valueAt + element.length).replace(/[\0 ]+$/, '').trim();
    return;
  }
  const isKey = INTEGER_STRING_TAGS.get(element.tag);
  if (isKey !== undefined) {
    const value = Number(bytes.toString('latin1', element.valueAt, element.valueAt + element.length).replace(/[\0 ]+$/, '').trim());
    if (Number.isFinite(value)) attributes[isKey] = value;
    return;
  }
  const usKey = US_TAGS.get(element.tag);
  if (usKey !== undefined && element.length >= 2) attributes[usKey] = bytes.readUInt16LE(element.valueAt);
}

export interface ElementHeader {
  tag: number;
  /** '' in implicit VR, and for item and delimitation tags. */
  vr: string;
  length: number;
  valueAt: number;
}

/** Walks element headers (PS3.5 7.1.2 explicit, 7.1.3 implicit); the caller skips or reads each value. */
export class ElementReader {
  constructor(
    readonly bytes: Buffer,
    public at: number,
    public explicit: boolean,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  /** The next element header, or undefined when the bytes end inside it. */
  next(): ElementHeader | undefined {
    const { bytes } = this;
    if (this.remaining < 8) return undefined;
    const tag = ((bytes.readUInt16LE(this.at) << 16) | bytes.readUInt16LE(this.at + 2)) >>> 0;
    // Item and delimitation tags have no VR in any transfer syntax (PS3.5 7.5).
    if (!this.explicit || tag >>> 16 === 0xfffe) {
      const length = bytes.readUInt32LE(this.at + 4);
      this.at += 8;
      return { tag, vr: '', length, valueAt: this.at };
    }
    const vr = bytes.toString('latin1', this.at + 4, this.at + 6);
    if (LONG_VRS.has(vr)) {
      if (this.remaining < 12) return undefined;
      const length = bytes.readUInt32LE(this.at + 8);
      this.at += 12;
      return { tag, vr, length, valueAt: this.at };
    }
    const length = bytes.readUInt16LE(this.at + 6);
    this.at += 8;
    return { tag, vr, length, valueAt: this.at };
  }

  skip(length: number): void {
    this.at += length;
  }

  /** Skips an undefined-length sequence or item up to its delimiter (PS3.5 7.5.2), nested ones included. */
  skipUndefinedLength(): boolean {
    let depth = 1;
    while (depth > 0) {
      const element = this.next();
      if (element === undefined) return false;
      if (element.tag === SEQUENCE_END || element.tag === ITEM_END) depth--;
      else if (element.length === UNDEFINED_LENGTH) depth++;
      // A defined-length item, or an element inside an undefined-length item: skipped whole.
      else this.skip(element.length);
    }
    return true;
  }
}

/** Item tag (FFFE,E000), for walking encapsulated pixel data fragments (PS3.5 A.4). */
export const ITEM_TAG = ITEM;
export const SEQUENCE_DELIMITATION_TAG = SEQUENCE_END;

/** The first `count` bytes of `chunks` (their concatenation), copied into a new buffer; all of them when shorter. */
export function firstBytes(chunks: readonly Buffer[], count: number): Buffer {
  const taken: Buffer[] = [];
  let length = 0;
  for (const chunk of chunks) {
    if (length >= count) break;
    const piece = chunk.subarray(0, count - length);
    taken.push(piece);
    length += piece.length;
  }
  return Buffer.concat(taken, length);
}
