import { describe, expect, it } from 'vitest';
import { outcomeKey } from '../../../src/metrics/names.js';
import { errorCode, outcomeForError, outcomeForStatus } from '../../../src/protocol/dicomweb/http-outcome.js';

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
    expect(outcomeForError(new Error('x'), { timedOut: false, callerAborted: true })).toEqual({ kind: 'aborted' });
  });

  it('looks inside AggregateError (happy eyeballs) and cause chains', () => {
    const aggregate = new AggregateError([codedError('ECONNREFUSED'), codedError('ECONNREFUSED')]);
    expect(outcomeForError(aggregate, plain)).toEqual({ kind: 'connection-refused' });
    expect(errorCode(new Error('wrapped', { cause: codedError('ECONNRESET') }))).toBe('ECONNRESET');
  });

  it('never fails on odd values', () => {
    expect(outcomeForError(undefined, plain)).toEqual({ kind: 'network-error', code: 'UNKNOWN' });
    expect(outcomeForError('text', plain)).toEqual({ kind: 'network-error', code: 'UNKNOWN' });
    expect(outcomeForError(new TypeError('bad'), plain)).toEqual({ kind: 'network-error', code: 'TypeError' });
  });
});
