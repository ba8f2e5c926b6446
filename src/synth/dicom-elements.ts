/**
 * A minimal DICOM data element encoder, the one Part-10 writer of pacs-load:
 * the synthetic study templates (study-template.ts) and the DICOMweb instances
 * (dicomweb-instances.ts) both write with it. Little endian only, Explicit VR
 * (PS3.5 section 7.1.2) or Implicit VR (PS3.5 section 7.1.3), and the handful
 * of VRs they use. It exists so a template can be encoded once and its
 * per-instance elements re-encoded in microseconds, without a general-purpose
 * codec in the hot path.
 */

/** Explicit VR Little Endian (PS3.5 section A.2). */
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Implicit VR Little Endian, the default transfer syntax (PS3.5 section A.1). */
export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';

export type LittleEndianTransferSyntax = typeof EXPLICIT_VR_LITTLE_ENDIAN | typeof IMPLICIT_VR_LITTLE_ENDIAN;

/** The value representations the templates write (PS3.5 Table 6.2-1). */
export type TemplateVr = 'AE' | 'AT' | 'CS' | 'DA' | 'DS' | 'IS' | 'LO' | 'PN' | 'SH' | 'TM' | 'UI' | 'UL' | 'US' | 'OB' | 'OW';

/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1). */
const LONG_VRS: ReadonlySet<TemplateVr> = new Set(['OB', 'OW']);

/**
 * How string values become bytes: `latin1` for a data set in ISO_IR 100 (the
 * templates), `utf8` for one in ISO_IR 192 (the DICOMweb instances); PS3.5
 * section 6.1 and Specific Character Set (0008,0005).
 */
export type TextEncoding = 'latin1' | 'utf8';

/** One element to encode: text values for string VRs, numbers for US/UL/AT, bytes for OB/OW. */
export interface TemplateElement {
  /** (group << 16) | element, e.g. 0x0020000d. */
  tag: number;
  vr: TemplateVr;
  value: string | number | Uint8Array;
}

/**
 * Encodes one element. String values are encoded with `textEncoding` and
 * padded to an even number of bytes (PS3.5 section 6.2): UI with a trailing
 * NUL, the other string VRs with a trailing space. Throws a RangeError for a
 * value its VR cannot hold (a bug in the caller).
 */
export function encodeElement(element: TemplateElement, explicitVr: boolean, textEncoding: TextEncoding = 'latin1'): Buffer {
  const value = encodeValue(element, textEncoding);
  const header = encodeElementHeader(element.tag, element.vr, value.length, explicitVr);
  return Buffer.concat([header, value], header.length + value.length);
}

/** The header of an element whose value is `valueLength` bytes (PS3.5 sections 7.1.2 and 7.1.3). */
export function encodeElementHeader(tag: number, vr: TemplateVr, valueLength: number, explicitVr: boolean): Buffer {
  if (valueLength % 2 !== 0) throw new RangeError(`element ${tagText(tag)}: value length ${valueLength} is odd`);
  const long = !explicitVr || LONG_VRS.has(vr);
  if (!long && valueLength > 0xffff) throw new RangeError(`element ${tagText(tag)}: ${valueLength} bytes do not fit a ${vr}`);
  const header = Buffer.alloc(explicitVr && long ? 12 : 8);
  header.writeUInt16LE(tag >>> 16, 0);
  header.writeUInt16LE(tag & 0xffff, 2);
  if (!explicitVr) {
    header.writeUInt32LE(valueLength, 4);
  } else if (long) {
    header.write(vr, 4, 'latin1');
    // Bytes 6-7 are reserved and zero (PS3.5 Table 7.1-1).
    header.writeUInt32LE(valueLength, 8);
  } else {
    header.write(vr, 4, 'latin1');
    header.writeUInt16LE(valueLength, 6);
  }
  return header;
}

function encodeValue(element: TemplateElement, textEncoding: TextEncoding): Buffer {
  const { vr, value, tag } = element;
  if (vr === 'AT') {
    // An attribute tag: group then element, each 16-bit little endian (PS3.5 Table 6.2-1).
    if (typeof value !== 'number') throw new RangeError(`element ${tagText(tag)}: AT needs a tag number`);
    const bytes = Buffer.alloc(4);
    bytes.writeUInt16LE(value >>> 16, 0);
    bytes.writeUInt16LE(value & 0xffff, 2);
    return bytes;
  }
  if (vr === 'US' || vr === 'UL') {
    if (typeof value !== 'number') throw new RangeError(`element ${tagText(tag)}: ${vr} needs a number`);
    const bytes = Buffer.alloc(vr === 'US' ? 2 : 4);
    if (vr === 'US') bytes.writeUInt16LE(value, 0);
    else bytes.writeUInt32LE(value, 0);
    return bytes;
  }
  if (vr === 'OB' || vr === 'OW') {
    if (!(value instanceof Uint8Array)) throw new RangeError(`element ${tagText(tag)}: ${vr} needs bytes`);
    if (value.length % 2 !== 0) throw new RangeError(`element ${tagText(tag)}: ${vr} value must have an even length`);
    return Buffer.from(value.buffer, value.byteOffset, value.length);
  }
  if (typeof value !== 'string') throw new RangeError(`element ${tagText(tag)}: ${vr} needs text`);
  const text = Buffer.from(value, textEncoding);
  if (text.length % 2 === 0) return text;
  // PS3.5 section 6.2: the padding byte goes after the encoded text (a UTF-8 character may take several bytes).
  const padded = Buffer.alloc(text.length + 1, vr === 'UI' ? 0x00 : 0x20);
  text.copy(padded);
  return padded;
}

/**
 * The Part 10 header of a file holding a data set in `transferSyntaxUid`: the
 * 128-byte preamble, `DICM`, and the File Meta Information group, always
 * Explicit VR Little Endian with its group length first (PS3.10 section 7.1).
 * `implementationClassUid` (0002,0012) defaults to pacs-load's.
 */
export function encodeFileMetaInformation(
  sopClassUid: string,
  sopInstanceUid: string,
  transferSyntaxUid: string,
  implementationClassUid: string = IMPLEMENTATION_CLASS_UID,
): Buffer {
  const elements = [
    encodeElement({ tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) }, true),
    encodeElement({ tag: 0x00020002, vr: 'UI', value: sopClassUid }, true),
    encodeElement({ tag: 0x00020003, vr: 'UI', value: sopInstanceUid }, true),
    encodeElement({ tag: 0x00020010, vr: 'UI', value: transferSyntaxUid }, true),
    encodeElement({ tag: 0x00020012, vr: 'UI', value: implementationClassUid }, true),
    encodeElement({ tag: 0x00020013, vr: 'SH', value: IMPLEMENTATION_VERSION_NAME }, true),
  ];
  const groupLength = elements.reduce((sum, element) => sum + element.length, 0);
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  return Buffer.concat([preamble, encodeElement({ tag: 0x00020000, vr: 'UL', value: groupLength }, true), ...elements]);
}

/** Implementation Class UID of the files pacs-load writes (a 2.25 UUID-derived UID, PS3.5 B.2). */
const IMPLEMENTATION_CLASS_UID = '2.25.139426016455862862466447125536585924651';
const IMPLEMENTATION_VERSION_NAME = 'PACSLOAD';

function tagText(tag: number): string {
  const hex = tag.toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}
