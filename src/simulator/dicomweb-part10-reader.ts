/**
 * Reads what the simulator's store needs from the head of a DICOM Part-10 file
 * received by STOW-RS (PS3.10 section 7): the UIDs, patient and study
 * attributes and the image geometry, up to the Pixel Data element. Only the
 * first bytes of a part are needed, so a large instance is never kept whole.
 *
 * Supports the data set in Explicit or Implicit VR Little Endian (PS3.5
 * sections A.1, A.2) and the encapsulated transfer syntaxes that use Explicit
 * VR Little Endian for the data set (PS3.5 A.4). Big endian and deflate are
 * reported as unreadable, which the store answers with failure reason 0xC000
 * (cannot understand), as a strict PACS does.
 */
import type { SyntheticInstance } from '../synth/dicomweb-instances.js';

export type Part10Reading = { ok: true; instance: SyntheticInstance } | { ok: false; reason: string };

const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const UNSUPPORTED = new Set(['1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']);
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const PIXEL_DATA = 0x7fe00010;

/** Tags collected, to the field they fill. */
const WANTED: ReadonlyMap<number, keyof SyntheticInstance> = new Map([
  [0x00080016, 'sopClassUid'],
  [0x00080018, 'sopInstanceUid'],
  [0x00080020, 'studyDate'],
  [0x00080050, 'accessionNumber'],
  [0x00080060, 'modality'],
  [0x00100010, 'patientName'],
  [0x00100020, 'patientId'],
  [0x0020000d, 'studyInstanceUid'],
  [0x0020000e, 'seriesInstanceUid'],
  [0x00200011, 'seriesNumber'],
  [0x00200013, 'instanceNumber'],
  [0x00280008, 'numberOfFrames'],
  [0x00280010, 'rows'],
  [0x00280011, 'columns'],
  [0x00280100, 'bitsAllocated'],
]);

/** Reads the head of a Part-10 file (the first bytes are enough; see the file comment). */
export function readPart10Head(bytes: Buffer): Part10Reading {
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') return { ok: false, reason: 'no DICM prefix (PS3.10 7.1)' };
  const reader = new Reader(bytes, 132, true);
  const fields: Record<string, string | number> = {};
  let transferSyntax = '';
  // The File Meta Information is always Explicit VR Little Endian (PS3.10 7.1).
  while (reader.remaining >= 8 && bytes.readUInt16LE(reader.at) === 0x0002) {
    const element = reader.next();
    if (element === undefined) return { ok: false, reason: 'truncated file meta information' };
    if (element.tag === 0x00020010) transferSyntax = text(bytes, element.valueAt, element.length).replace(/\0/g, '');
    reader.skip(element.length);
  }
  if (transferSyntax === '') return { ok: false, reason: 'no transfer syntax in the file meta information' };
  if (UNSUPPORTED.has(transferSyntax)) return { ok: false, reason: `transfer syntax ${transferSyntax} is not supported` };
  reader.explicit = transferSyntax !== IMPLICIT_VR_LITTLE_ENDIAN;

  while (reader.remaining >= 8) {
    const element = reader.next();
    if (element === undefined || element.tag === PIXEL_DATA) break;
    if (element.length === UNDEFINED_LENGTH) {
      if (!reader.skipUndefinedLength()) return { ok: false, reason: 'truncated sequence' };
      continue;
    }
    const field = WANTED.get(element.tag);
    if (field !== undefined && element.valueAt + element.length <= bytes.length) {
      fields[field] =
        element.vr === 'US' || (element.vr === '' && (element.tag >>> 16) === 0x0028 && element.tag !== 0x00280008)
          ? bytes.readUInt16LE(element.valueAt)
          : text(bytes, element.valueAt, element.length).replace(/[\0 ]+$/, '').trim();
    }
    reader.skip(element.length);
  }
  for (const required of ['sopClassUid', 'sopInstanceUid', 'studyInstanceUid', 'seriesInstanceUid'] as const) {
    if (typeof fields[required] !== 'string' || fields[required] === '') return { ok: false, reason: `no ${required}` };
  }
  const number = (name: string, fallback: number): number => {
    const value = Number(fields[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const string = (name: string): string => (typeof fields[name] === 'string' ? fields[name] : '');
  return {
    ok: true,
    instance: {
      studyInstanceUid: string('studyInstanceUid'),
      seriesInstanceUid: string('seriesInstanceUid'),
      sopInstanceUid: string('sopInstanceUid'),
      sopClassUid: string('sopClassUid'),
      patientId: string('patientId'),
      patientName: string('patientName'),
      studyDate: string('studyDate'),
      accessionNumber: string('accessionNumber'),
      modality: string('modality') || 'OT',
      seriesNumber: number('seriesNumber', 1),
      instanceNumber: number('instanceNumber', 1),
      rows: number('rows', 0),
      columns: number('columns', 0),
      bitsAllocated: number('bitsAllocated', 16),
      numberOfFrames: number('numberOfFrames', 1),
    },
  };
}

function text(bytes: Buffer, at: number, length: number): string {
  return bytes.toString('utf8', at, Math.min(bytes.length, at + length));
}

interface ElementHeader {
  tag: number;
  /** '' in implicit VR. */
  vr: string;
  length: number;
  valueAt: number;
}

class Reader {
  constructor(
    readonly bytes: Buffer,
    public at: number,
    public explicit: boolean,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  /** Reads an element header (PS3.5 7.1.2 explicit, 7.1.3 implicit); undefined when truncated. */
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
      if (element.tag === SEQUENCE_END || element.tag === ITEM_END) {
        depth--;
      } else if (element.length === UNDEFINED_LENGTH) {
        depth++;
      } else if (element.tag !== ITEM) {
        this.skip(element.length);
      } else {
        // A defined-length item: its elements are skipped as a whole.
        this.skip(element.length);
      }
    }
    return true;
  }
}
