/**
 * How one DICOMweb HTTP exchange ended, classified rather than thrown (docs/architecture.md
 * section 3, point 5).
 *
 * `HttpOutcome` is the subset of `Outcome` (src/metrics/names.ts, the lowest
 * layer) that HTTP can produce.
 */
import { STATUS_CODES } from 'node:http';
import type { Outcome } from '../../metrics/names.js';
import { redact } from '../../redact.js';

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
export function outcomeForStatus(status: number, answer: HttpAnswerText = {}): HttpOutcome {
  return status >= 200 && status < 300 ? { kind: 'ok' } : { kind: 'http-status', status, reason: statusReason(status, answer) };
}

/** What of a non-2xx answer may go into its reason. */
export interface HttpAnswerText {
  /** The status line's reason phrase (RFC 9112 section 4), as the server sent it. */
  statusText?: string | undefined;
  /** The answer's Content-Type: only a text body is quoted. */
  contentType?: string | undefined;
  /** The first bytes of the body (BODY_EXCERPT_BYTES at most are read). */
  bodyStart?: Buffer | undefined;
  /** Credentials that must not appear in the reason (src/redact.ts `credentialForms`). */
  secrets?: readonly string[] | undefined;
}

/** Body bytes read for an excerpt; characters of it kept in the reason. */
export const BODY_EXCERPT_BYTES = 512;
const BODY_EXCERPT_CHARS = 120;

/** Media types whose body is text a person can read (RFC 6838: `+json`, `+xml` suffixes). */
const TEXT_MEDIA_TYPE = /^\s*(text\/[\w.+-]+|application\/([\w.-]+\+)?(json|xml))\s*(;|$)/i;

/**
 * `503 Service Unavailable: database locked`: the status, its text (the
 * server's, else the standard one, RFC 9110 section 15) and, for a text body,
 * its start with markup and white space flattened and credentials removed.
 */
function statusReason(status: number, answer: HttpAnswerText): string {
  const text = answer.statusText?.trim() || STATUS_CODES[status] || '';
  const head = text === '' ? `${status}` : `${status} ${text}`;
  const excerpt = bodyExcerpt(answer);
  return excerpt === '' ? head : `${head}: ${excerpt}`;
}

function bodyExcerpt(answer: HttpAnswerText): string {
  const { bodyStart, contentType } = answer;
  if (bodyStart === undefined || bodyStart.length === 0 || contentType === undefined || !TEXT_MEDIA_TYPE.test(contentType)) return '';
  const text = bodyStart
    .subarray(0, BODY_EXCERPT_BYTES)
    .toString('utf8')
    .replace(/<[^>]*>/g, ' ')
    // eslint-disable-next-line no-control-regex -- control characters must not reach a terminal or a report.
    .replace(/[\u0000-\u001f\u007f-\u009f\s\uFFFD]+/g, ' ')
    .trim();
  const safe = redact(text, answer.secrets ?? []);
  return safe.length > BODY_EXCERPT_CHARS ? `${safe.slice(0, BODY_EXCERPT_CHARS - 1)}…` : safe;
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
export function outcomeForError(
  error: unknown,
  cause: { timedOut: boolean; callerAborted: boolean; timeoutReason?: string; secrets?: readonly string[] },
): HttpOutcome {
  if (cause.timedOut) return cause.timeoutReason === undefined ? { kind: 'timeout' } : { kind: 'timeout', reason: cause.timeoutReason };
  if (cause.callerAborted) return { kind: 'aborted', reason: 'cut off by pacs-load before the answer' };
  const code = errorCode(error);
  const message = errorMessage(error);
  const why = message === undefined ? {} : { reason: redact(message, cause.secrets ?? []) };
  if (code === 'ECONNREFUSED') return { kind: 'connection-refused', ...why };
  if (RESET_CODES.has(code)) return { kind: 'connection-reset', ...why };
  if (TIMEOUT_CODES.has(code)) return { kind: 'timeout', reason: UNDICI_TIMEOUT_STEP[code] ?? message ?? code };
  return { kind: 'network-error', code, ...why };
}

/** Which step an undici timeout code names. */
const UNDICI_TIMEOUT_STEP: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect: no connection within the timeout',
  UND_ERR_HEADERS_TIMEOUT: 'response: no response headers within the timeout',
  UND_ERR_BODY_TIMEOUT: 'response: the body stopped arriving within the timeout',
};

/** The error's own message, else the first inner error's (happy-eyeballs AggregateError), e.g. `connect ECONNREFUSED 127.0.0.1:8042`. */
function errorMessage(error: unknown): string | undefined {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]) ?? (error.message || undefined);
  if (error instanceof Error && error.message !== '') return error.message;
  return undefined;
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
