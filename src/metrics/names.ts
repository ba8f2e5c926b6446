/**
 * Names shared by every layer: operations, outcome classes and histogram names.
 * This file is at the lowest layer (docs/architecture.md section 2) so that the profile schema,
 * the operations and the outputs agree on spelling without importing each other.
 */

/** Every operation a profile may name (docs/architecture.md section 4). Implemented ones are in src/operations/. */
export const OPERATION_NAMES = [
  'dimse.echo',
  'mwl.find',
  'qido.studies',
  'dimse.store',
  'qido.series',
  'qido.instances',
  'wado.metadata',
  'wado.instance',
  'wado.frames',
  'wado.rendered',
  'stow.study',
  'mpps.inProgress',
  'mpps.completed',
  'qr.find',
  'qr.move',
  'qr.get',
  'viewer.open',
  /** A modality's steps in order per arrival (`steps`, src/operations/chain.ts); its series is the whole chain. */
  'chain',
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

/** Operations that speak DIMSE (need `target.dimse`) or DICOMweb (need `target.dicomweb`). */
export const DIMSE_OPERATIONS: readonly OperationName[] = [
  'dimse.echo',
  'mwl.find',
  'dimse.store',
  'mpps.inProgress',
  'mpps.completed',
  'qr.find',
  'qr.move',
  'qr.get',
  'chain',
];
export const DICOMWEB_OPERATIONS: readonly OperationName[] = [
  'qido.studies',
  'qido.series',
  'qido.instances',
  'wado.metadata',
  'wado.instance',
  'wado.frames',
  'wado.rendered',
  'stow.study',
  'viewer.open',
];

/**
 * How one operation ended (docs/architecture.md section 3, point 5). Target failures are data,
 * never exceptions: they are counted, tagged and thresholdable.
 *
 * `reason` (issue 14, item 4) says why in words, where the source knows: the
 * peer's Error Comment, the HTTP status text, which step timed out. It never
 * changes the outcome's key (`outcomeKey`); `outcomeReason` reads it.
 */
export type Outcome =
  | { kind: 'ok' }
  /** A DIMSE warning status (PS3.7 Annex C: 0001 or Bxxx): the object was stored, so it is a success. `reason`: the Error Comment (0000,0902). */
  | { kind: 'dimse-warning'; status: number; reason?: string }
  /** A DIMSE failure status (PS3.7 Annex C: Axxx, Cxxx, 01xx, 02xx). `reason`: the Error Comment (0000,0902) when the peer sent one. */
  | { kind: 'dimse-failure'; status: number; reason?: string }
  /** A-ASSOCIATE-RJ (PS3.8 section 9.3.4): result, source and reason/diagnostic (`reasonText`: the three in words). */
  | { kind: 'association-rejected'; result: number; source: number; reason: number; reasonText?: string }
  /** A-ABORT from the peer, or the connection closed before the answer. */
  | { kind: 'aborted'; reason?: string }
  /** `reason`: which step ran out of time (connect, association, response) and the limit. */
  | { kind: 'timeout'; reason?: string }
  | { kind: 'connection-refused'; reason?: string }
  | { kind: 'connection-reset'; reason?: string }
  /** Any other socket or TLS error, by its Node.js error code. */
  | { kind: 'network-error'; code: string; reason?: string }
  /** An HTTP answer outside 2xx. `reason`: the status line's text and a short excerpt of a text body, credentials removed. */
  | { kind: 'http-status'; status: number; reason?: string }
  /** The answer arrived but did not say what it should (wrong item count, bad body). */
  | { kind: 'check-failed'; reason: string }
  /**
   * Refused by pacs-load itself, nothing sent: a worklist item lacking the
   * synthetic marking (src/synth/marking.ts), whose patient the chain would
   * have copied into MPPS and C-STORE (`--allow-unmarked-data` sends it).
   */
  | { kind: 'refused-unmarked'; reason: string }
  /**
   * A retrieval (qr.*, qido.*, wado.*, viewer.open) whose answer held nothing
   * (no C-FIND match, no completed C-MOVE/C-GET sub-operation, no QIDO result)
   * where the scenario expects something (`expectMatches`). A failure: a PACS
   * that holds none of the data asked for is not measured by its fast answers.
   */
  | { kind: 'empty'; reason: string }
  /**
   * The peer broke the protocol: a malformed or unknown PDU (PS3.8 section 9.3),
   * a truncated data set, a multipart body that cannot be parsed (RFC 2046 section 5.1.1).
   */
  | { kind: 'protocol-error'; detail: string };

/** Why an outcome happened, in words, when it says (`undefined` for `ok` and for outcomes without a reason). */
export function outcomeReason(outcome: Outcome): string | undefined {
  switch (outcome.kind) {
    case 'ok':
      return undefined;
    case 'association-rejected':
      return outcome.reasonText;
    case 'protocol-error':
      return outcome.detail;
    default:
      return outcome.reason;
  }
}

/**
 * The stable, tag-safe key of an outcome: `ok`, `dimse_warning_b000`,
 * `dimse_failure_a700`, `association_rejected_1_1_3`, `aborted`, `timeout`,
 * `connection_refused`, `connection_reset`, `network_error_eproto`, `http_404`,
 * `http_429`, `http_503` (the exact HTTP status), `check_failed`, `protocol_error`,
 * `refused_unmarked`, `empty`.
 */
export function outcomeKey(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'ok':
      return 'ok';
    case 'dimse-warning':
      return `dimse_warning_${hex4(outcome.status)}`;
    case 'dimse-failure':
      return `dimse_failure_${hex4(outcome.status)}`;
    case 'association-rejected':
      return `association_rejected_${outcome.result}_${outcome.source}_${outcome.reason}`;
    case 'aborted':
      return 'aborted';
    case 'timeout':
      return 'timeout';
    case 'connection-refused':
      return 'connection_refused';
    case 'connection-reset':
      return 'connection_reset';
    case 'network-error':
      return `network_error_${outcome.code.toLowerCase()}`;
    case 'http-status':
      // The exact status, as k6 tags it: 500 (a bug), 503 (overload) and 429 (throttled) mean different things.
      return `http_${outcome.status}`;
    case 'check-failed':
      return 'check_failed';
    case 'protocol-error':
      return 'protocol_error';
    case 'refused-unmarked':
      return 'refused_unmarked';
    case 'empty':
      return 'empty';
  }
}

/** True for outcomes that count as a successful operation (ok and DIMSE warnings). */
export function isSuccessKey(key: string): boolean {
  return key === 'ok' || key.startsWith('dimse_warning_');
}

function hex4(status: number): string {
  return status.toString(16).padStart(4, '0');
}

/**
 * The histograms recorded per scenario and operation, all in integer microseconds
 * (docs/architecture.md section 3, points 2 and 3):
 * - response: completion - intended start (the headline, includes queueing)
 * - service: completion - actual start
 * - lag: actual start - intended start
 * - setup: DIMSE association setup (connect + A-ASSOCIATE-AC)
 * - ttfb: DICOMweb time to first byte of the response
 */
export const HISTOGRAM_NAMES = ['response', 'service', 'lag', 'setup', 'ttfb'] as const;
export type HistogramName = (typeof HISTOGRAM_NAMES)[number];
