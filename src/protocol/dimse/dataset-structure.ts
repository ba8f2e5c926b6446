/**
 * The element structure of an encoded data set (PS3.5 section 7): where each
 * top-level element begins and ends, and whether every element is whole.
 *
 * dcmjs reads data sets received over DIMSE with `ignoreErrors: true`, and its
 * reads stop quietly at the end of the buffer, so a data set cut inside an
 * element arrives as a shorter, valid-looking one (a worklist item without its
 * last attributes). This walker finds the cut; dcmjs.ts makes every data set
 * and command set read from the network go through it (src/protocol/dimse/dcmjs-dimse-fixes.md, edit 11).
 *
 * Little endian only (Implicit VR, PS3.5 7.1.3, and Explicit VR, 7.1.2): the
 * uncompressed transfer syntaxes we negotiate. Values are not interpreted.
 */

/** One top-level element: `[start, end)` byte offsets, header included. */
export interface ElementSpan {
  tag: number;
  start: number;
  end: number;
}

/** Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 Table 7.1-1). */
const LONG_LENGTH_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
/** PS3.5 section 7.5: item, item delimitation and sequence delimitation tags (group FFFE). */
const ITEM = 0xfffee000;
const ITEM_DELIMITATION = 0xfffee00d;
const SEQUENCE_DELIMITATION = 0xfffee0dd;
const UNDEFINED_LENGTH = 0xffffffff;

class StructureError extends Error {}

/**
 * The top-level elements of `bytes` in order. Throws an Error naming the first
 * element that is cut short (its header or value runs past the end) or a
 * sequence that lacks its delimiter.
 */
export function topLevelElementSpans(bytes: Uint8Array, explicitVr: boolean): ElementSpan[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const spans: ElementSpan[] = [];
  readElements(view, 0, view.byteLength, explicitVr, false, (span) => spans.push(span));
  return spans;
}

/**
 * Undefined when every element of `bytes` is whole; else what is wrong, as
 * "element (0010,0020) needs 10 bytes of value, 4 remain".
 */
export function findDatasetTruncation(bytes: Uint8Array, explicitVr: boolean): string | undefined {
  try {
    topLevelElementSpans(bytes, explicitVr);
    return undefined;
  } catch (error) {
    if (error instanceof StructureError) return error.message;
    throw error;
  }
}

/**
 * Reads elements from `offset` to `limit`; inside an item of undefined length
 * (`inItem`) until the item delimitation. Returns the offset after the last byte read.
 */
function readElements(
  view: DataView,
  offset: number,
  limit: number,
  explicitVr: boolean,
  inItem: boolean,
  onElement?: (span: ElementSpan) => void,
): number {
  let position = offset;
  while (position < limit) {
    const start = position;
    need(start, 8, limit, 'an element header');
    const tag = readTag(view, start);
    if (tag === ITEM_DELIMITATION && inItem) return start + 8;
    if ((tag >>> 16) === 0xfffe) throw new StructureError(`unexpected ${formatTag(tag)} at byte ${start}`);
    let length: number;
    let vr: string | undefined;
    if (explicitVr) {
      vr = String.fromCharCode(view.getUint8(start + 4), view.getUint8(start + 5));
      if (LONG_LENGTH_VRS.has(vr)) {
        need(start, 12, limit, `the header of element ${formatTag(tag)}`);
        length = view.getUint32(start + 8, true);
        position = start + 12;
      } else {
        length = view.getUint16(start + 6, true);
        position = start + 8;
      }
    } else {
      length = view.getUint32(start + 4, true);
      position = start + 8;
    }
    if (length === UNDEFINED_LENGTH) {
      // PS3.5 7.5.1 and A.4: a sequence, or encapsulated pixel data (fragments as items).
      // An undefined-length UN holds Implicit VR Little Endian (PS3.5 6.2.2).
      const itemsExplicit = explicitVr && vr !== 'UN';
      const fragments = vr === 'OB' || vr === 'OW';
      position = readItems(view, position, limit, itemsExplicit, fragments, tag);
    } else {
      if (position + length > limit) {
        throw new StructureError(`element ${formatTag(tag)} needs ${length} bytes of value, ${limit - position} remain`);
      }
      position += length;
    }
    onElement?.({ tag, start, end: position });
  }
  if (inItem) throw new StructureError(`an item ends without its item delimitation (FFFE,E00D)`);
  return position;
}

/** Reads the items of an undefined-length sequence (or pixel data fragments) up to and including its delimitation. */
function readItems(view: DataView, offset: number, limit: number, explicitVr: boolean, fragments: boolean, sequenceTag: number): number {
  let position = offset;
  while (position < limit) {
    need(position, 8, limit, `an item header in ${formatTag(sequenceTag)}`);
    const tag = readTag(view, position);
    const length = view.getUint32(position + 4, true);
    position += 8;
    if (tag === SEQUENCE_DELIMITATION) return position;
    if (tag !== ITEM) throw new StructureError(`${formatTag(tag)} where an item of ${formatTag(sequenceTag)} should be`);
    if (length === UNDEFINED_LENGTH && !fragments) {
      position = readElements(view, position, limit, explicitVr, true);
    } else {
      if (position + length > limit) {
        throw new StructureError(`an item of ${formatTag(sequenceTag)} needs ${length} bytes, ${limit - position} remain`);
      }
      position += length;
    }
  }
  throw new StructureError(`sequence ${formatTag(sequenceTag)} ends without its sequence delimitation (FFFE,E0DD)`);
}

function need(position: number, bytes: number, limit: number, what: string): void {
  if (position + bytes > limit) throw new StructureError(`${what} needs ${bytes} bytes at byte ${position}, ${limit - position} remain`);
}

/** Group in the high 16 bits, element in the low 16 bits. */
function readTag(view: DataView, position: number): number {
  return ((view.getUint16(position, true) << 16) | view.getUint16(position + 2, true)) >>> 0;
}

function formatTag(tag: number): string {
  const hex = tag.toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}
