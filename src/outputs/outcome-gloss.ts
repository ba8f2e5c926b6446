/**
 * A short human gloss of an outcome key (`outcomeKey()` in metrics/names.ts), so
 * the end-of-run error table says `out of resources` next to `dimse_failure_a700`
 * without the user reaching for PS3.7. Unknown keys get an empty gloss.
 */

// PS3.7 Annex C (status encoding) and the service-specific status tables of
// PS3.4 (C-STORE B.2.3, C-FIND C.4.1.1.4, C-MOVE C.4.2.1.5, DIMSE-N 10.1).
const DIMSE_STATUS_GLOSS: Record<string, string> = {
  '0105': 'no such attribute',
  '0106': 'invalid attribute value',
  '0110': 'processing failure',
  '0111': 'duplicate SOP instance',
  '0112': 'no such SOP instance',
  '0117': 'invalid SOP instance',
  '0118': 'no such SOP class',
  '0119': 'class-instance conflict',
  '0120': 'missing attribute',
  '0121': 'missing attribute value',
  '0122': 'SOP class not supported',
  '0124': 'not authorized',
  '0210': 'duplicate invocation',
  '0211': 'unrecognized operation',
  '0212': 'mistyped argument',
  '0213': 'resource limitation',
  a701: 'out of resources: cannot count matches',
  a702: 'out of resources: cannot perform sub-operations',
  a801: 'move destination unknown',
  b000: 'coercion of data elements / sub-operations failed',
  b006: 'elements discarded',
  b007: 'data set does not match SOP class',
  fe00: 'cancelled',
};

/** PS3.7 Annex C: the meaning of a status range when the exact code is not in the table. */
function dimseRangeGloss(status: string): string {
  if (status.startsWith('a7')) return 'out of resources';
  if (status.startsWith('a9')) return 'data set does not match SOP class';
  if (status.startsWith('c')) return 'cannot understand / unable to process';
  return '';
}

// PS3.8 section 9.3.4, Table 9-21: A-ASSOCIATE-RJ result, source and reason/diag.
const REJECT_RESULT: Record<string, string> = { '1': 'permanent', '2': 'transient' };
const REJECT_REASON: Record<string, string> = {
  '1_1': 'no reason given',
  '1_2': 'application context not supported',
  '1_3': 'calling AE title not recognized',
  '1_7': 'called AE title not recognized',
  '2_1': 'no reason given (ACSE)',
  '2_2': 'protocol version not supported',
  '3_1': 'temporary congestion',
  '3_2': 'local limit exceeded',
};

const FIXED_GLOSS: Record<string, string> = {
  aborted: 'A-ABORT, or connection closed before the answer',
  timeout: 'no answer within the timeout',
  connection_refused: 'TCP connection refused',
  connection_reset: 'connection reset by the peer',
  check_failed: 'answer failed the response check',
  protocol_error: 'the peer broke the protocol (malformed PDU, truncated data set, unparseable body)',
  refused_unmarked: 'not sent: worklist item lacks the synthetic marking (--allow-unmarked-data)',
  empty: 'answer held nothing where the scenario expects something (expectMatches)',
};

/** The gloss of one outcome key, or '' when there is nothing useful to say. */
export function outcomeGloss(key: string): string {
  const fixed = FIXED_GLOSS[key];
  if (fixed !== undefined) return fixed;

  const dimse = /^dimse_(warning|failure)_([0-9a-f]{4})$/.exec(key);
  if (dimse !== null) {
    const status = dimse[2] ?? '';
    const meaning = DIMSE_STATUS_GLOSS[status] ?? dimseRangeGloss(status);
    // A warning still stored the object (PS3.7 Annex C), so the table must not read it as an error.
    if (dimse[1] === 'warning') return meaning === '' ? 'warning (counts as success)' : `${meaning} (warning, counts as success)`;
    return meaning;
  }

  const rejected = /^association_rejected_(\d+)_(\d+)_(\d+)$/.exec(key);
  if (rejected !== null) {
    const [, result = '', source = '', reason = ''] = rejected;
    const kind = REJECT_RESULT[result];
    const why = REJECT_REASON[`${source}_${reason}`];
    const head = kind === undefined ? 'association rejected' : `association rejected (${kind})`;
    return why === undefined ? head : `${head}: ${why}`;
  }

  const http = /^http_(\d{3})$/.exec(key);
  if (http !== null) return httpStatusGloss(http[1] ?? '');

  const network = /^network_error_(.+)$/.exec(key);
  if (network !== null) return `network error ${(network[1] ?? '').toUpperCase()}`;

  return '';
}

/**
 * HTTP statuses a PACS or its gateway answers under load (RFC 9110 section 15,
 * RFC 6585 section 4). The tool never retries on Retry-After (429, 503): an
 * open-model load keeps to its schedule, as k6 and Gatling do, so a throttled
 * request is counted as what it was.
 */
const HTTP_STATUS_GLOSS: Record<string, string> = {
  // PS3.18 section 10.5.3.1: STOW-RS answers 202 when some instances failed.
  '202': 'accepted with failures (STOW-RS: some instances not stored)',
  '400': 'bad request',
  '401': 'unauthorized (credentials missing or refused)',
  '403': 'forbidden',
  '404': 'not found',
  '406': 'not acceptable (media type not offered)',
  // PS3.18 section 10.5.3.1: STOW-RS answers 409 when no instance was stored.
  '409': 'conflict (STOW-RS: no instance stored)',
  '415': 'unsupported media type',
  '429': 'too many requests: throttled (not retried)',
  '500': 'internal server error: a fault in the target',
  '502': 'bad gateway: the proxy got no valid answer',
  '503': 'service unavailable: overloaded (not retried)',
  '504': 'gateway timeout: the proxy gave up waiting',
};

/** The class of a status when the exact code is not in the table. */
const HTTP_CLASS_GLOSS: Record<string, string> = {
  '1': 'HTTP 1xx (no final answer)',
  '2': 'HTTP 2xx that reports a failure',
  '3': 'HTTP redirect',
  '4': 'HTTP client error',
  '5': 'HTTP server error',
};

function httpStatusGloss(status: string): string {
  const exact = HTTP_STATUS_GLOSS[status];
  if (exact !== undefined) return exact;
  return HTTP_CLASS_GLOSS[status.charAt(0)] ?? '';
}
