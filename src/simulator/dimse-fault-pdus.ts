/**
 * The bytes of the simulator's broken DIMSE answers (issue 10's fault matrix):
 * an answer captured as the PDUs dcmjs-dimse would have written, then cut,
 * corrupted or replaced. Pure functions over buffers, except `captureWrites`.
 *
 * PDU layout (PS3.8 section 9.3.1): type (1 byte), reserved (1), length (4, big
 * endian) of what follows. A P-DATA-TF (type 04, PS3.8 9.3.5) holds PDV items:
 * item length (4, big endian), presentation context ID (1), message control
 * header (1: bit 0 set = command, bit 1 set = last fragment; PS3.8 E.2), value.
 */
import type { Socket } from 'node:net';
import { topLevelElementSpans } from '../protocol/dimse/dataset-structure.js';

const PDU_HEADER_BYTES = 6;
const PDV_HEADER_BYTES = 6;
const P_DATA_TF = 0x04;
/** PS3.8 section 9.3.1 defines PDU types 01 to 07; 0A is none of them. */
const UNKNOWN_PDU_TYPE = 0x0a;
const MESSAGE_CONTROL_COMMAND = 0x01;

/**
 * Runs `write` with the socket's `write` replaced, and returns what it would
 * have written, one buffer per call (dcmjs-dimse writes one whole PDU per call).
 * Nothing reaches the socket. `write` must write synchronously, as
 * dcmjs-dimse's answer callbacks do.
 */
export function captureWrites(socket: Socket, write: () => void): Buffer[] {
  const captured: Buffer[] = [];
  const target = socket as unknown as { write: unknown };
  target.write = (chunk: Uint8Array | string): boolean => {
    captured.push(Buffer.from(chunk));
    return true;
  };
  try {
    write();
  } finally {
    // The own property shadowed the prototype's write; deleting it restores that.
    delete target.write;
  }
  return captured;
}

/**
 * The answer cut inside a PDU: the PDUs before the middle one whole, then the
 * first half of the middle one (its header promises bytes that never come).
 */
export function cutMidPdu(pdus: readonly Buffer[]): Buffer {
  const middle = Math.floor(pdus.length / 2);
  const cut = pdus[middle];
  if (cut === undefined) return Buffer.alloc(0);
  const keep = Math.max(PDU_HEADER_BYTES + 1, Math.floor(cut.length / 2));
  return Buffer.concat([...pdus.slice(0, middle), cut.subarray(0, Math.min(keep, cut.length - 1))]);
}

/**
 * A malformed PDU, two kinds in turn by `variant`: even, a PDU of type 0A,
 * which PS3.8 9.3.1 does not define; odd, a P-DATA-TF whose PDV item claims
 * more bytes than the PDU holds (PS3.8 9.3.5: the items must fill the PDU exactly).
 */
export function malformedPdu(variant: number): Buffer {
  if (variant % 2 === 0) return pdu(UNKNOWN_PDU_TYPE, Buffer.from([0, 0, 0, 0]));
  const item = Buffer.alloc(PDV_HEADER_BYTES + 2);
  item.writeUInt32BE(0x1000, 0);
  item.writeUInt8(1, 4);
  item.writeUInt8(MESSAGE_CONTROL_COMMAND | 0x02, 5);
  return pdu(P_DATA_TF, item);
}

/**
 * The answer with one data set cut inside an element: the first PDV that is a
 * data set (an identifier, PS3.7 6.3.1; Explicit VR when `datasetExplicitVr`),
 * else the first command set, keeps the
 * bytes up to the middle of the element that holds its middle byte. The PDV
 * and PDU lengths are rewritten to match, so the framing is valid and only the
 * data set is short. PDUs after it are kept.
 */
export function truncateDataset(pdus: readonly Buffer[], datasetExplicitVr: boolean): Buffer[] {
  const index = firstPdvIndex(pdus, false) ?? firstPdvIndex(pdus, true);
  if (index === undefined) return [...pdus];
  const original = pdus[index] as Buffer;
  const value = original.subarray(PDU_HEADER_BYTES + PDV_HEADER_BYTES);
  const isCommand = (original.readUInt8(PDU_HEADER_BYTES + 5) & MESSAGE_CONTROL_COMMAND) !== 0;
  // Command sets are always Implicit VR Little Endian (PS3.7 6.3.1).
  const cut = cutInsideElement(value, !isCommand && datasetExplicitVr);
  const item = Buffer.alloc(PDV_HEADER_BYTES + cut);
  item.writeUInt32BE(2 + cut, 0);
  original.copy(item, 4, PDU_HEADER_BYTES + 4, PDU_HEADER_BYTES + 6);
  value.copy(item, PDV_HEADER_BYTES, 0, cut);
  return [...pdus.slice(0, index), pdu(P_DATA_TF, item), ...pdus.slice(index + 1)];
}

/** An offset strictly inside the element that holds the middle byte of `value`. */
function cutInsideElement(value: Buffer, explicitVr: boolean): number {
  const middle = Math.floor(value.length / 2);
  let spans;
  try {
    spans = topLevelElementSpans(value, explicitVr);
  } catch {
    return middle;
  }
  const span = spans.find((candidate) => candidate.start <= middle && middle < candidate.end) ?? spans[spans.length - 1];
  if (span === undefined) return middle;
  return span.start + Math.max(1, Math.floor((span.end - span.start) / 2));
}

/** Index of the first P-DATA-TF whose single PDV is a last-fragment command (or data set). */
function firstPdvIndex(pdus: readonly Buffer[], command: boolean): number | undefined {
  const index = pdus.findIndex((candidate) => {
    if (candidate.length <= PDU_HEADER_BYTES + PDV_HEADER_BYTES || candidate.readUInt8(0) !== P_DATA_TF) return false;
    const itemLength = candidate.readUInt32BE(PDU_HEADER_BYTES);
    // One PDV filling the PDU, as dcmjs-dimse writes them.
    if (itemLength + 4 !== candidate.length - PDU_HEADER_BYTES) return false;
    const control = candidate.readUInt8(PDU_HEADER_BYTES + 5);
    return (control & MESSAGE_CONTROL_COMMAND) === (command ? MESSAGE_CONTROL_COMMAND : 0) && (control & 0x02) !== 0;
  });
  return index < 0 ? undefined : index;
}

function pdu(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(PDU_HEADER_BYTES);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(body.length, 2);
  return Buffer.concat([header, body]);
}

