import { describe, expect, it } from 'vitest';
import { outcomeKey } from '../../../src/metrics/names.js';
import { errorCode, outcomeForError, outcomeForStatus } from '../../../src/protocol/dicomweb/http-outcome.js';
import { credentialForms } from '../../../src/redact.js';

const plain = { timedOut: false, callerAborted: false };

function codedError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('outcomeForStatus', () => {
  it('treats every 2xx as ok and everything else as an HTTP status', () => {
    expect(outcomeForStatus(200)).toEqual({ kind: 'ok' });
    expect(outcomeForStatus(204)).toEqual({ kind: 'ok' });
    expect(outcomeForStatus(299)).toEqual({ kind: 'ok' });
    expect(outcomeKey(outcomeForStatus(304))).toBe('http_304');
    expect(outcomeKey(outcomeForStatus(404))).toBe('http_404');
    expect(outcomeKey(outcomeForStatus(503))).toBe('http_503');
    // The exact status, not its class: 500 (a bug), 503 (overload), 429 (throttled) differ.
    expect(outcomeKey(outcomeForStatus(500))).toBe('http_500');
    expect(outcomeKey(outcomeForStatus(429))).toBe('http_429');
  });
});

describe('outcomeForError', () => {
  it.each([
    ['ECONNREFUSED', 'connection_refused'],
    ['ECONNRESET', 'connection_reset'],
    ['EPIPE', 'connection_reset'],
    ['UND_ERR_SOCKET', 'connection_reset'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['ENOTFOUND', 'network_error_enotfound'],
    ['EPROTO', 'network_error_eproto'],
  ])('classifies %s as %s', (code, key) => {
    expect(outcomeKey(outcomeForError(codedError(code), plain))).toBe(key);
  });

  it('says timeout when the client timer fired, whatever error undici reports', () => {
    expect(outcomeForError(codedError('UND_ERR_ABORTED'), { timedOut: true, callerAborted: false })).toEqual({ kind: 'timeout' });
  });

  it('says aborted when the caller aborted', () => {
    expect(outcomeForError(new Error('x'), { timedOut: false, callerAborted: true })).toEqual({ kind: 'aborted', reason: 'cut off by pacs-load before the answer' });
  });

  it('looks inside AggregateError (happy eyeballs) and cause chains', () => {
    const aggregate = new AggregateError([codedError('ECONNREFUSED'), codedError('ECONNREFUSED')]);
    expect(outcomeForError(aggregate, plain)).toEqual({ kind: 'connection-refused', reason: 'ECONNREFUSED' });
    expect(errorCode(new Error('wrapped', { cause: codedError('ECONNRESET') }))).toBe('ECONNRESET');
  });

  it('never fails on odd values', () => {
    expect(outcomeForError(undefined, plain)).toEqual({ kind: 'network-error', code: 'UNKNOWN' });
    expect(outcomeForError('text', plain)).toEqual({ kind: 'network-error', code: 'UNKNOWN' });
    expect(outcomeForError(new TypeError('bad'), plain)).toEqual({ kind: 'network-error', code: 'TypeError', reason: 'bad' });
  });

  it('says which step timed out and what the socket said (issue 14, item 4)', () => {
    const step = 'response: no response headers within 2000 ms';
    expect(outcomeForError(new Error('x'), { timedOut: true, callerAborted: false, timeoutReason: step })).toEqual({ kind: 'timeout', reason: step });
    expect(outcomeForError(codedError('UND_ERR_CONNECT_TIMEOUT'), plain)).toEqual({ kind: 'timeout', reason: 'connect: no connection within the timeout' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8042'), { code: 'ECONNREFUSED' });
    expect(outcomeForError(refused, plain)).toEqual({ kind: 'connection-refused', reason: 'connect ECONNREFUSED 127.0.0.1:8042' });
  });
});

describe('the reason of an HTTP status (issue 14, item 4)', () => {
  it('is the status with its text: the server\'s, else the standard one', () => {
    expect(outcomeForStatus(503, { statusText: 'Service Unavailable' })).toEqual({ kind: 'http-status', status: 503, reason: '503 Service Unavailable' });
    expect(outcomeForStatus(503, { statusText: 'Busy, come back later' })).toMatchObject({ reason: '503 Busy, come back later' });
    expect(outcomeForStatus(429)).toMatchObject({ reason: '429 Too Many Requests' });
  });

  it('quotes the start of a text body, flattened and cut short, never a binary one', () => {
    const json = Buffer.from('{\n  "error": "database locked",\n  "detail": "' + 'x'.repeat(400) + '"\n}');
    const reason = (outcomeForStatus(500, { statusText: 'Internal Server Error', contentType: 'application/json', bodyStart: json }) as { reason: string }).reason;
    expect(reason.startsWith('500 Internal Server Error: { "error": "database locked", "detail": "xxx')).toBe(true);
    expect(reason.endsWith('…')).toBe(true);
    expect(reason.length).toBeLessThan(160);
    const html = Buffer.from('<html><head><title>Bad Gateway</title></head><body><h1>502</h1>\r\nupstream gone</body></html>');
    expect(outcomeForStatus(502, { statusText: 'Bad Gateway', contentType: 'text/html; charset=utf-8', bodyStart: html })).toMatchObject({
      reason: '502 Bad Gateway: Bad Gateway 502 upstream gone',
    });
    expect(outcomeForStatus(500, { statusText: 'Internal Server Error', contentType: 'application/dicom', bodyStart: Buffer.from([0, 1, 2, 3]) })).toMatchObject({
      reason: '500 Internal Server Error',
    });
  });

  it('never echoes a credential the server quotes back', () => {
    const secrets = credentialForms('s3cret-token');
    const body = Buffer.from('invalid token: Bearer s3cret-token');
    const outcome = outcomeForStatus(401, { statusText: 'Unauthorized', contentType: 'text/plain', bodyStart: body, secrets });
    expect(outcome).toMatchObject({ reason: '401 Unauthorized: invalid token: Bearer [redacted]' });
    expect(JSON.stringify(outcome)).not.toContain('s3cret-token');
  });
});
