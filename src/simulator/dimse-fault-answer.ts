/**
 * How the simulator's DIMSE SCP answers a request on which the fault injector
 * drew a fault (src/simulator/faults.ts, `drawFault('dimse')`): instead of the
 * answer, or in place of its status, or with its bytes broken.
 * What each fault looks like on the wire is in dimse-fault-pdus.ts.
 */
import type { Socket } from 'node:net';
import type { FaultKind } from '../profile/types.js';
import { STATUS_PENDING } from '../protocol/dimse/status.js';
import { captureWrites, cutMidPdu, malformedPdu, truncateDataset } from './dimse-fault-pdus.js';

/** The DIMSE faults that change the answer's status only. */
export type StatusFault = Extract<FaultKind, 'wrongStatus' | 'unknownStatus'>;

/** A code in no status table of PS3.4 or PS3.7 (PS3.7 Annex C: it is to be treated as a failure). */
export const UNKNOWN_STATUS = 0x7f01;
/**
 * `wrongStatus` for a service that has no pending responses (C-ECHO, C-STORE,
 * N-CREATE, N-SET): FF00 pending, defined only for C-FIND, C-GET and C-MOVE
 * (PS3.7 9.1.2.1.6, 9.1.3.1.6, 9.1.4.1.7). For those three: 0111 duplicate SOP
 * instance, defined only for N-CREATE (PS3.7 10.1.5.1.6).
 */
export const WRONG_STATUS_FOR_NON_PENDING = STATUS_PENDING;
export const WRONG_STATUS_FOR_PENDING = 0x0111;

/** A-ABORT source "DICOM UL service-user (initiated abort)" and its reason, which is then 0 (PS3.8 Table 9-26). */
const ABORT_SOURCE_SERVICE_USER = 0;
const ABORT_REASON_NOT_SPECIFIED = 0;

/** Command Field values of C-FIND-RQ, C-GET-RQ and C-MOVE-RQ (PS3.7 Annex E): the services with pending responses. */
const PENDING_SERVICES: ReadonlySet<number> = new Set([0x0020, 0x0010, 0x0021]);

/** True for the faults that change the status, not the bytes. */
export function isStatusFault(fault: FaultKind): fault is StatusFault {
  return fault === 'wrongStatus' || fault === 'unknownStatus';
}

/** The status a status fault puts in the final response to a request with this command field. */
export function faultStatus(fault: StatusFault, requestCommandField: number): number {
  if (fault === 'unknownStatus') return UNKNOWN_STATUS;
  return PENDING_SERVICES.has(requestCommandField) ? WRONG_STATUS_FOR_PENDING : WRONG_STATUS_FOR_NON_PENDING;
}

/** The association the broken answer goes out on. */
export interface FaultyConnection {
  socket: Socket;
  /** Sends an A-ABORT PDU (dcmjs-dimse's Network.sendAbort). */
  sendAbort(source: number, reason: number): void;
}

export interface FaultyAnswerOptions {
  /** `slowDrip`: bytes per second (FaultInjector.dripBytesPerSec). */
  dripBytesPerSec: number;
  /** `malformedPdu`: which of the two malformations (dimse-fault-pdus.ts malformedPdu). */
  malformedVariant: number;
  /** `truncatedDataset`: the answer's data sets are Explicit VR Little Endian. */
  datasetExplicitVr: boolean;
}

/**
 * Sends the answer that `writeAnswer` would write (dcmjs-dimse's answer
 * callback, which writes synchronously), broken as `fault` says:
 * - abort: an A-ABORT (PS3.8 9.3.8) instead, then the connection is closed;
 * - reset: the connection reset (TCP RST) instead;
 * - closeMidPdu: the answer up to the middle of one of its PDUs, then the connection closed (FIN);
 * - malformedPdu: a malformed PDU instead; the connection is left to the peer;
 * - truncatedDataset: the answer with a data set cut inside an element;
 * - slowDrip: the answer at `dripBytesPerSec`.
 * Status faults are not handled here (`faultStatus`). Never throws for a closed socket.
 */
export function sendFaultyAnswer(
  fault: Exclude<FaultKind, StatusFault>,
  connection: FaultyConnection,
  writeAnswer: () => void,
  options: FaultyAnswerOptions,
): void {
  const { socket } = connection;
  if (!socket.writable) return;
  switch (fault) {
    case 'abort':
      connection.sendAbort(ABORT_SOURCE_SERVICE_USER, ABORT_REASON_NOT_SPECIFIED);
      // PS3.8 section 9.3.8: the connection closes after an A-ABORT; end() sends it first.
      socket.end();
      return;
    case 'reset':
      socket.resetAndDestroy();
      return;
    case 'closeMidPdu':
      socket.end(cutMidPdu(captureWrites(socket, writeAnswer)));
      return;
    case 'malformedPdu':
      socket.write(malformedPdu(options.malformedVariant));
      return;
    case 'truncatedDataset':
      for (const pdu of truncateDataset(captureWrites(socket, writeAnswer), options.datasetExplicitVr)) socket.write(pdu);
      return;
    case 'slowDrip':
      drip(socket, Buffer.concat(captureWrites(socket, writeAnswer)), options.dripBytesPerSec);
      return;
    default:
      // Faults drawn at other points (association, HTTP) never reach a DIMSE answer.
      writeAnswer();
  }
}

/** How often a drip writes: often enough to look continuous, rarely enough to be cheap. */
const DRIP_TICK_MS = 50;

/** Writes `bytes` a few at a time at `bytesPerSec`; stops when the socket closes. */
function drip(socket: Socket, bytes: Buffer, bytesPerSec: number): void {
  const rate = Math.max(1, bytesPerSec);
  const perTick = Math.max(1, Math.floor((rate * DRIP_TICK_MS) / 1000));
  const intervalMs = (perTick * 1000) / rate;
  let offset = 0;
  const timer = setInterval(() => {
    if (!socket.writable) {
      clearInterval(timer);
      return;
    }
    socket.write(bytes.subarray(offset, offset + perTick));
    offset += perTick;
    if (offset >= bytes.length) clearInterval(timer);
  }, intervalMs);
  socket.once('close', () => clearInterval(timer));
}
