import { describe, expect, it } from 'vitest';
import { checkQidoAnswer } from '../../../src/operations/qido-series.js';
import { checkMetadataAnswer } from '../../../src/operations/wado-metadata.js';
import { checkRenderedAnswer } from '../../../src/operations/wado-rendered.js';
import type { HttpExchange } from '../../../src/protocol/dicomweb/client.js';

function exchange(status: number, contentType: string): HttpExchange {
  return {
    outcome: status >= 200 && status < 300 ? { kind: 'ok' } : { kind: 'http-status', status },
    status,
    headers: contentType === '' ? {} : { 'content-type': contentType },
    body: Buffer.alloc(0),
    ttfbUs: 1,
    bytesSent: 1,
    bytesReceived: 1,
  };
}

const JSON_OK = exchange(200, 'application/dicom+json');

describe('checkQidoAnswer', () => {
  const expected = { limit: 10, atLeast: 1, what: 'series' };

  it('is ok within [atLeast, limit], and for plain application/json', () => {
    expect(checkQidoAnswer(JSON_OK, { ok: true, count: 10 }, expected)).toEqual({ kind: 'ok' });
    expect(checkQidoAnswer(exchange(200, 'application/json'), { ok: true, count: 1 }, expected)).toEqual({ kind: 'ok' });
  });

  it('fails more results than the limit and fewer than expected', () => {
    expect(checkQidoAnswer(JSON_OK, { ok: true, count: 11 }, expected)).toEqual({ kind: 'check-failed', reason: '11 series for limit 10' });
    expect(checkQidoAnswer(JSON_OK, { ok: true, count: 2 }, { ...expected, atLeast: 3 })).toEqual({ kind: 'check-failed', reason: '2 series, expected at least 3' });
    expect(checkQidoAnswer(exchange(204, ''), { ok: false, reason: 'empty body' }, { ...expected, atLeast: 0 })).toEqual({ kind: 'ok' });
  });

  it('calls no result at all where some are expected empty, or ok when the scenario allows it (expectMatches: false)', () => {
    expect(checkQidoAnswer(JSON_OK, { ok: true, count: 0 }, expected)).toEqual({ kind: 'empty', reason: 'no series' });
    // 204 is an empty answer (PS3.18 10.6.3).
    expect(checkQidoAnswer(exchange(204, ''), { ok: false, reason: 'empty body' }, expected)).toEqual({ kind: 'empty', reason: 'no series' });
    expect(checkQidoAnswer(JSON_OK, { ok: true, count: 0 }, { ...expected, atLeast: 5, emptyIsOk: true })).toEqual({ kind: 'ok' });
    expect(checkQidoAnswer(JSON_OK, { ok: true, count: 2 }, { ...expected, atLeast: 5, emptyIsOk: true })).toMatchObject({ kind: 'check-failed' });
  });

  it('fails another media type or a body that is not an array, and passes HTTP failures through', () => {
    expect(checkQidoAnswer(exchange(200, 'text/html'), { ok: true, count: 1 }, expected)).toEqual({ kind: 'check-failed', reason: 'content type text/html' });
    expect(checkQidoAnswer(JSON_OK, { ok: false, reason: 'not a JSON array' }, expected)).toEqual({ kind: 'check-failed', reason: 'not a JSON array' });
    expect(checkQidoAnswer(exchange(503, ''), { ok: true, count: 1 }, expected)).toEqual({ kind: 'http-status', status: 503 });
  });
});

describe('checkMetadataAnswer', () => {
  it('wants one object per instance of the series when the count is known', () => {
    expect(checkMetadataAnswer(JSON_OK, { ok: true, count: 120 }, 120)).toEqual({ kind: 'ok' });
    expect(checkMetadataAnswer(JSON_OK, { ok: true, count: 119 }, 120)).toEqual({
      kind: 'check-failed',
      reason: 'metadata of 119 instances, the series has 120',
    });
    expect(checkMetadataAnswer(JSON_OK, { ok: true, count: 3 }, undefined)).toEqual({ kind: 'ok' });
    expect(checkMetadataAnswer(JSON_OK, { ok: true, count: 0 }, undefined)).toEqual({ kind: 'empty', reason: 'metadata of no instances' });
    expect(checkMetadataAnswer(JSON_OK, { ok: true, count: 0 }, 120)).toMatchObject({ kind: 'empty' });
    expect(checkMetadataAnswer(JSON_OK, { ok: true, count: 0 }, 120, false)).toEqual({ kind: 'ok' });
    expect(checkMetadataAnswer(exchange(404, ''), { ok: true, count: 0 }, 1)).toEqual({ kind: 'http-status', status: 404 });
  });
});

describe('checkRenderedAnswer', () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  it('wants the signature of the media type it got', () => {
    expect(checkRenderedAnswer(exchange(200, 'image/jpeg'), jpeg)).toEqual({ kind: 'ok' });
    expect(checkRenderedAnswer(exchange(200, 'image/png'), png)).toEqual({ kind: 'ok' });
    expect(checkRenderedAnswer(exchange(200, 'image/jpeg'), png)).toMatchObject({ kind: 'check-failed' });
    expect(checkRenderedAnswer(exchange(200, 'image/png'), Buffer.from('<html>'))).toMatchObject({ kind: 'check-failed' });
    expect(checkRenderedAnswer(exchange(200, 'application/dicom'), jpeg)).toMatchObject({ kind: 'check-failed' });
  });

  it('calls an answer with no image empty, or ok with expectMatches false', () => {
    expect(checkRenderedAnswer(exchange(200, 'image/jpeg'), Buffer.alloc(0))).toEqual({ kind: 'empty', reason: 'rendered answer with no image' });
    expect(checkRenderedAnswer(exchange(200, 'image/jpeg'), Buffer.alloc(0), false)).toEqual({ kind: 'ok' });
  });
});
