/**
 * DIMSE status codes (PS3.7 Annex C): which class a code belongs to, and a short
 * name for the common ones so reports can say more than a hex number.
 */

export type DimseStatusClass = 'success' | 'warning' | 'failure' | 'cancel' | 'pending';

export const STATUS_SUCCESS = 0x0000;
/** PS3.7 C.4.1.1.4 and PS3.4 K.4.1.2.2: matches are continuing. */
export const STATUS_PENDING = 0xff00;
/** Pending, with the warning that one or more optional keys were not supported (DCMTK's wlmscpfs sends this). */
export const STATUS_PENDING_WARNING = 0xff01;
export const STATUS_CANCEL = 0xfe00;

/**
 * Classifies a status code (PS3.7 Annex C):
 * - success: 0000 (C.1)
 * - warning: 0001 and Bxxx (C.3); 0107 and 0116 are the N-service warnings
 *   "attribute list error" and "attribute value out of range" (C.4.2 and following)
 * - cancel: FE00 (C.5)
 * - pending: FF00 and FF01 (C.6; PS3.4 K.4.1.2.2)
 * - failure: everything else, in particular 01xx, 02xx, Axxx and Cxxx (C.4)
 */
export function classifyDimseStatus(status: number): DimseStatusClass {
  if (status === STATUS_SUCCESS) return 'success';
  if (status === STATUS_PENDING || status === STATUS_PENDING_WARNING) return 'pending';
  if (status === STATUS_CANCEL) return 'cancel';
  if (status === 0x0001 || (status & 0xf000) === 0xb000) return 'warning';
  if (status === 0x0107 || status === 0x0116) return 'warning';
  return 'failure';
}

/** True for FF00 and FF01: more responses follow for this request. */
export function isPendingStatus(status: number): boolean {
  return classifyDimseStatus(status) === 'pending';
}

/** Names of common codes (PS3.7 Annex C, PS3.4 Annexes B, C, K). Codes differ in meaning by service; the common meaning is given. */
const STATUS_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0000, 'success'],
  [0x0001, 'warning: requested optional attributes are not supported'],
  [0x0107, 'warning: attribute list error'],
  [0x0110, 'processing failure'],
  [0x0111, 'duplicate SOP instance'],
  [0x0112, 'no such SOP instance'],
  [0x0116, 'warning: attribute value out of range'],
  [0x0117, 'invalid SOP instance'],
  [0x0118, 'no such SOP class'],
  [0x0119, 'class-instance conflict'],
  [0x0120, 'missing attribute'],
  [0x0121, 'missing attribute value'],
  [0x0122, 'SOP class not supported'],
  [0x0124, 'not authorized'],
  [0x0210, 'duplicate invocation'],
  [0x0211, 'unrecognized operation'],
  [0x0212, 'mistyped argument'],
  [0x0213, 'resource limitation'],
  [0xa700, 'out of resources'],
  [0xa701, 'out of resources: unable to calculate number of matches'],
  [0xa702, 'out of resources: unable to perform sub-operations'],
  [0xa801, 'move destination unknown'],
  [0xa900, 'identifier does not match SOP class'],
  // B000 means "sub-operations complete, one or more failures" for C-MOVE and C-GET.
  [0xb000, 'coercion of data elements'],
  [0xb006, 'elements discarded'],
  [0xb007, 'data set does not match SOP class'],
  [0xc000, 'unable to process'],
  [STATUS_CANCEL, 'cancel'],
  [STATUS_PENDING, 'pending'],
  [STATUS_PENDING_WARNING, 'pending: optional keys not supported'],
]);

/** A short name for a status code: the table entry if known, else its class ("failure" for unknown Axxx, ...). */
export function dimseStatusName(status: number): string {
  return STATUS_NAMES.get(status) ?? classifyDimseStatus(status);
}

/** The status as DICOM writes it: four upper-case hex digits (`A700`). */
export function formatDimseStatus(status: number): string {
  return status.toString(16).toUpperCase().padStart(4, '0');
}
