/**
 * The bytes a retrieve sends for a stored instance (src/simulator/instance-store.ts):
 * the Part-10 file WADO-RS returns (PS3.10 section 7: preamble, `DICM`, File
 * Meta Information, then the data set as it was received), and single frames
 * cut out of Pixel Data (PS3.18 10.4.1.1.1, PS3.5 section 8.2 and A.4).
 *
 * An instance stored without its bytes (attributes only) is rebuilt with the
 * synthetic pixel pattern of src/synth/dicomweb-instances.ts, which is byte for
 * byte what pacs-load's stow.study sends.
 */
import { encodePart10, EXPLICIT_VR_LITTLE_ENDIAN, pixelDataFor } from '../synth/dicomweb-instances.js';
import { ElementReader, ITEM_TAG } from './dataset-reader.js';
import type { StoredInstance } from './instance-store.js';

/** The simulator's implementation class UID (PS3.7 D.3.3.2), a 2.25 UUID-derived UID of its own. */
const IMPLEMENTATION_CLASS_UID = '2.25.303416374816409837218373165184226101317';
const IMPLEMENTATION_VERSION = 'PACSLOAD_SIM';

/** The instance as a Part-10 file, in chunks whose concatenation is the file. */
export function part10Chunks(instance: StoredInstance): Buffer[] {
  if (instance.dataset === undefined) {
    const { head, pixelData } = encodePart10(instance.attributes);
    return [head, pixelData];
  }
  const { sopClassUid, sopInstanceUid } = instance.attributes;
  return [fileMetaInformation(sopClassUid, sopInstanceUid, instance.transferSyntaxUid), instance.dataset];
}

/** Preamble, `DICM` and the File Meta Information group (PS3.10 7.1), Explicit VR Little Endian. */
export function fileMetaInformation(sopClassUid: string, sopInstanceUid: string, transferSyntaxUid: string): Buffer {
  const elements = Buffer.concat([
    element(0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 'UI', uidBytes(sopClassUid)),
    element(0x0003, 'UI', uidBytes(sopInstanceUid)),
    element(0x0010, 'UI', uidBytes(transferSyntaxUid)),
    element(0x0012, 'UI', uidBytes(IMPLEMENTATION_CLASS_UID)),
    element(0x0013, 'SH', Buffer.from(IMPLEMENTATION_VERSION, 'latin1')),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(elements.length, 0);
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  // (0002,0000) counts the bytes of the group after it.
  return Buffer.concat([preamble, element(0x0000, 'UL', groupLength), elements]);
}

export interface StoredFrame {
  bytes: Buffer;
  /** The transfer syntax of the frame's bytes (PS3.18 8.7.3.3.2): Explicit VR Little Endian for native pixels. */
  transferSyntaxUid: string;
}

/**
 * Frame `frameNumber` (from 1) of the instance, or undefined when it has no
 * such frame. Native pixel data: the frame's slice (PS3.5 8.2: frames follow
 * each other, rows x columns x samples x bits allocated / 8 bytes each).
 * Encapsulated: the frame's fragment when there is one fragment per frame, all
 * fragments of a single-frame image otherwise (PS3.5 A.4).
 */
export function storedFrame(instance: StoredInstance, frameNumber: number): StoredFrame | undefined {
  const { attributes, dataset, pixelData } = instance;
  if (frameNumber < 1 || frameNumber > attributes.numberOfFrames) return undefined;
  if (dataset === undefined) return { bytes: pixelDataFor(attributes.rows, attributes.columns), transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN };
  if (pixelData === undefined) return undefined;
  if (pixelData.length !== undefined) {
    const frameLength = attributes.rows * attributes.columns * (attributes.samplesPerPixel ?? 1) * (attributes.bitsAllocated / 8);
    const start = pixelData.offset + (frameNumber - 1) * frameLength;
    const end = start + frameLength;
    if (frameLength <= 0 || end > pixelData.offset + pixelData.length || end > dataset.length) return undefined;
    return { bytes: dataset.subarray(start, end), transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN };
  }
  const fragments = encapsulatedFragments(dataset, pixelData.offset);
  let bytes: Buffer | undefined;
  if (fragments.length === attributes.numberOfFrames) bytes = fragments[frameNumber - 1];
  else if (attributes.numberOfFrames === 1 && fragments.length > 0) bytes = Buffer.concat(fragments);
  return bytes === undefined ? undefined : { bytes, transferSyntaxUid: instance.transferSyntaxUid };
}

/** The fragments of encapsulated Pixel Data (PS3.5 A.4): items after the Basic Offset Table, up to the delimiter. */
function encapsulatedFragments(dataset: Buffer, valueAt: number): Buffer[] {
  const reader = new ElementReader(dataset, valueAt, false);
  const fragments: Buffer[] = [];
  let first = true;
  for (;;) {
    const item = reader.next();
    if (item === undefined || item.tag !== ITEM_TAG || item.valueAt + item.length > dataset.length) break;
    if (!first) fragments.push(dataset.subarray(item.valueAt, item.valueAt + item.length));
    first = false;
    reader.skip(item.length);
  }
  return fragments;
}

function element(elementNumber: number, vr: string, value: Buffer): Buffer {
  const long = vr === 'OB';
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(0x0002, 0);
  header.writeUInt16LE(elementNumber, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(value.length, 8);
  else header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

/** A UID value, padded with NUL to an even length (PS3.5 6.2, 9.1). */
function uidBytes(uid: string): Buffer {
  const bytes = Buffer.from(uid, 'latin1');
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from([0])]);
}
