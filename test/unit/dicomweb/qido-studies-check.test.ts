import { describe, expect, it } from 'vitest';
import { checkQidoStudiesAnswer } from '../../../src/operations/qido-studies.js';
import type { HttpExchange } from '../../../src/protocol/dicomweb/client.js';
import { inspectDicomJsonArray } from '../../../src/protocol/dicomweb/dicom-json-array.js';

function exchange(overrides: Partial<HttpExchange>): HttpExchange {
  return {
    outcome: { kind: 'ok' },
    status: 200,
    headers: { 'content-type': 'application/dicom+json' },
    body: Buffer.from('[{"0020000D":{"vr":"UI","Value":["2.25.1"]}},{"0020000D":{"vr":"UI","Value":["2.25.2"]}}]'),
    ttfbUs: 100,
    bytesSent: 100,
    bytesReceived: 200,
    ...overrides,
  };
}

/** The check as the operation runs it, with the body inspected. */
function check(answer: HttpExchange, limit: number | undefined) {
  return checkQidoStudiesAnswer(answer, inspectDicomJsonArray(answer.body), limit);
}

describe('checkQidoStudiesAnswer', () => {
  it('passes a DICOM JSON array within the limit', () => {
    expect(check(exchange({}), 2)).toEqual({ kind: 'ok' });
    expect(check(exchange({ headers: { 'content-type': 'application/json; charset=utf-8' } }), undefined)).toEqual({
      kind: 'ok',
    });
  });

  it('passes 204 No Content as an empty answer', () => {
    expect(check(exchange({ status: 204, headers: {}, body: Buffer.alloc(0) }), 10)).toEqual({ kind: 'ok' });
  });

  it('calls an answer with no study empty when the scenario expects matches, and ok otherwise (the default)', () => {
    const none = exchange({ body: Buffer.from('[]') });
    const noContent = exchange({ status: 204, headers: {}, body: Buffer.alloc(0) });
    expect(check(none, 10)).toEqual({ kind: 'ok' });
    expect(checkQidoStudiesAnswer(none, inspectDicomJsonArray(none.body), 10, true)).toEqual({ kind: 'empty', reason: 'no studies match the search' });
    expect(checkQidoStudiesAnswer(noContent, inspectDicomJsonArray(noContent.body), 10, true)).toMatchObject({ kind: 'empty' });
    const two = exchange({});
    expect(checkQidoStudiesAnswer(two, inspectDicomJsonArray(two.body), 10, true)).toEqual({ kind: 'ok' });
  });

  it('passes transport and HTTP failures through unchanged', () => {
    expect(check(exchange({ outcome: { kind: 'http-status', status: 503 }, status: 503 }), 10)).toEqual({
      kind: 'http-status',
      status: 503,
    });
    expect(check(exchange({ outcome: { kind: 'timeout' } }), 10)).toEqual({ kind: 'timeout' });
  });

  it('fails more results than the limit, a wrong media type, or a body that is not an array', () => {
    expect(check(exchange({}), 1)).toEqual({ kind: 'check-failed', reason: '2 results for limit 1' });
    expect(check(exchange({ headers: { 'content-type': 'text/html' } }), 10)).toMatchObject({ kind: 'check-failed' });
    expect(check(exchange({ headers: {} }), 10)).toMatchObject({ kind: 'check-failed' });
    expect(check(exchange({ body: Buffer.from('{"error":1}') }), 10)).toMatchObject({ kind: 'check-failed' });
  });
});
