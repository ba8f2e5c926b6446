/**
 * How one DICOMweb HTTP exchange ended, classified rather than thrown (docs/architecture.md
 * section 3, point 5).
 *
 * `HttpOutcome` is the subset of `Outcome` (src/metrics/names.ts, the lowest
 * layer) that HTTP can produce.
 */
import type { Outcome } from '../../metrics/names.js';

export type HttpOutcome = Extract<
  Outcome,
  { kind: 'ok' | 'http-status' | 'timeout' | 'aborted' | 'connection-refused' | 'connection-reset' | 'network-error' }
>;

/**
 * 2xx is ok (RFC 9110 section 15.3); anything else is an HTTP status outcome,
 * keyed by its exact status (`http_503`). A 429 or 503 with Retry-After
 * (RFC 6585 section 4, RFC 9110 section 10.2.3) is counted, never retried: an
 * open-model load keeps to its planned schedule, as k6 and Gatling do, and a
 * retry would both add a request the profile did not plan and hide the failure.
 */
export function outcomeForStatus(status: number): HttpOutcome {
  return status >= 200 && status < 300 ? { kind: 'ok' } : { kind: 'http-status', status };
}

/** undici and Node.js error codes that mean the request ran out of time. */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * Codes that mean the peer dropped an established connection. undici reports a
 * socket closed under a request as UND_ERR_SOCKET ("other side closed").
 */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * Classifies an error from undici or the socket below it. `timedOut` and
 * `callerAborted` say which of the client's own abort reasons fired, since an
 * aborted request surfaces only as the abort reason.
 */
export function outcomeForError(error: unknown, cause: { timedOut: boolean; callerAborted: boolean }): HttpOutcome {
  if (cause.timedOut) return { kind: 'timeout' };
  if (cause.callerAborted) return { kind: 'aborted' };
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return { kind: 'connection-refused' };
  if (RESET_CODES.has(code)) return { kind: 'connection-reset' };
  if (TIMEOUT_CODES.has(code)) return { kind: 'timeout' };
  return { kind: 'network-error', code };
}

/**
 * The error's code: its own `code`, else the first inner error's (Node.js wraps
 * happy-eyeballs connect failures in an AggregateError), else its name.
 */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'UNKNOWN';
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string' && own !== '') return own;
  if (error instanceof AggregateError && error.errors.length > 0) return errorCode(error.errors[0]);
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== error) {
    const inner = errorCode(cause);
    if (inner !== 'UNKNOWN') return inner;
  }
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' && name !== 'Error' ? name : 'UNKNOWN';
}
