/**
 * Reads the identifying attributes of a received C-STORE data set from its
 * first bytes, without decoding the rest: an SCP that counts and discards
 * images (the simulator) needs the UIDs, not the pixels.
 *
 * Little endian only, Explicit VR (PS3.5 section 7.1.2) or Implicit VR (7.1.3);
 * sequences of defined or undefined length are skipped (PS3.5 section 7.5).
 * Reading stops at the first tag past Series Instance UID or at the end of the
 * bytes given, so a 64 KiB prefix is plenty for any real header.
 */
import { constants } from './dcmjs.js';

export interface StoreHeader {
  sopClassUid?: string;
  sopInstanceUid?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  patientId?: string;
  modality?: string;
}

const WANTED: ReadonlyMap<number, keyof StoreHeader> = new Map([
  [0x00080016, 'sopClassUid'],
  [0x00080018, 'sopInstanceUid'],
  [0x00080060, 'modality'],
  [0x00100020, 'patientId'],
  [0x0020000d, 'studyInstanceUid'],
  [0x0020000e, 'seriesInstanceUid'],
]);
const LAST_WANTED_TAG = 0x0020000e;
/** Explicit VRs with 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIMITATION = 0xfffee00d;
const SEQUENCE_DELIMITATION = 0xfffee0dd;

/** Thrown internally when the bytes end inside an element. */
class Truncated extends Error {}

/**
 * The attributes found in `bytes` (the start of a data set in `transferSyntaxUid`).
 * Missing ones are absent; never throws for short or odd input.
 */
export function readStoreHeader(bytes: Buffer, transferSyntaxUid: string): StoreHeader {
  const explicitVr = transferSyntaxUid !== constants.TransferSyntax.ImplicitVRLittleEndian;
  const header: StoreHeader = {};
  let offset = 0;
  try {
    while (offset + 8 <= bytes.length) {
      const element = readElementHeader(bytes, offset, explicitVr);
      if (element.tag > LAST_WANTED_TAG) break;
      const valueStart = offset + element.headerLength;
      if (element.length === UNDEFINED_LENGTH) {
        offset = skipUndefinedSequence(bytes, valueStart, explicitVr);
        continue;
      }
      const valueEnd = valueStart + element.length;
      const key = WANTED.get(element.tag);
      if (key !== undefined) {
        if (valueEnd > bytes.length) break;
        // Strip the padding (PS3.5 section 6.2: NUL for UI, space for the others).
        header[key] = bytes.toString('latin1', valueStart, valueEnd).replace(/[\0 ]+$/, '').trim();
      }
      offset = valueEnd;
    }
  } catch (error) {
    if (!(error instanceof Truncated)) throw error;
  }
  return header;
}

interface ElementHeader {
  tag: number;
  length: number;
  headerLength: number;
}

function readElementHeader(bytes: Buffer, offset: number, explicitVr: boolean): ElementHeader {
  if (offset + 8 > bytes.length) throw new Truncated();
  const tag = ((bytes.readUInt16LE(offset) << 16) | bytes.readUInt16LE(offset + 2)) >>> 0;
  // Item and delimitation tags have no VR in either syntax (PS3.5 section 7.5).
  if (!explicitVr || tag >>> 16 === 0xfffe) return { tag, length: bytes.readUInt32LE(offset + 4), headerLength: 8 };
  const vr = bytes.toString('latin1', offset + 4, offset + 6);
  if (LONG_VRS.has(vr)) {
    if (offset + 12 > bytes.length) throw new Truncated();
    return { tag, length: bytes.readUInt32LE(offset + 8), headerLength: 12 };
  }
  return { tag, length: bytes.readUInt16LE(offset + 6), headerLength: 8 };
}

/** Skips the items of a sequence of undefined length; returns the offset after its delimiter. */
function skipUndefinedSequence(bytes: Buffer, start: number, explicitVr: boolean): number {
  let offset = start;
  for (;;) {
    const item = readElementHeader(bytes, offset, false);
    offset += 8;
    if (item.tag === SEQUENCE_DELIMITATION) return offset;
    if (item.tag !== ITEM) throw new Truncated();
    if (item.length !== UNDEFINED_LENGTH) {
      offset += item.length;
      continue;
    }
    // An item of undefined length: its elements, then an item delimiter.
    for (;;) {
      const element = readElementHeader(bytes, offset, explicitVr);
      if (element.tag === ITEM_DELIMITATION) {
        offset += 8;
        break;
      }
      offset += element.headerLength;
      offset = element.length === UNDEFINED_LENGTH ? skipUndefinedSequence(bytes, offset, explicitVr) : offset + element.length;
    }
  }
}
