/**
 * `wado.rendered`: a rendered image, as a thumbnail strip or a web page
 * embedding an image asks for it: WADO-RS
 * `GET /studies/{S}/series/{Se}/instances/{I}/rendered` with
 * `Accept: image/jpeg` (PS3.18 section 10.4.1.1.3; media types in 8.7.4). The
 * instance is one the target holds (src/operations/dicomweb-catalog.ts), taken round robin.
 *
 * Why one media type and no list: Orthanc's DICOMweb plugin (1.7, Debian 12)
 * answers `Accept: image/jpeg, image/png;q=0.5` (or any list, or a `q`
 * parameter) with 400 "Parameter out of range"; image/jpeg alone is the
 * default rendered media type of single-frame images (PS3.18 8.7.4). A server
 * that answers PNG anyway still passes the check below.
 *
 * Check: an image/jpeg or image/png answer that starts with the format's
 * signature (JPEG SOI FF D8 FF, ITU T.81 B.1.1.3; PNG's 8-byte signature).
 * Only the first bytes are kept. A rendered image retrieved is recorded as one
 * instance retrieved.
 */
import type { Outcome } from '../metrics/names.js';
import type { HttpExchange } from '../protocol/dicomweb/client.js';
import { pickRoundRobin } from './dicomweb-catalog.js';
import { createCatalogOperation } from './catalog-operation.js';
import { exchangeResult, headerValue } from './dicomweb-setup.js';
import type { OperationFactory } from './types.js';

export const ACCEPT_RENDERED = 'image/jpeg';
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export const createWadoRendered: OperationFactory = (setup) => {
  return createCatalogOperation('wado.rendered', setup, 'instances', 'instances', async ({ client, catalog, iteration, signal, expectMatches }) => {
    const instance = pickRoundRobin(catalog.instances, iteration);
    let head = Buffer.alloc(0);
    const exchange = await client.get(`/studies/${instance.studyUid}/series/${instance.seriesUid}/instances/${instance.sopUid}/rendered`, {
      accept: ACCEPT_RENDERED,
      signal,
      discardBody: true,
      onBodyChunk: (chunk) => {
        if (head.length < PNG_SIGNATURE.length) head = Buffer.concat([head, chunk.subarray(0, PNG_SIGNATURE.length - head.length)]);
      },
    });
    const outcome = checkRenderedAnswer(exchange, head, expectMatches);
    return { ...exchangeResult(exchange, outcome), instancesRetrieved: outcome.kind === 'ok' && head.length > 0 ? 1 : 0 };
  });
};

/**
 * Ok for image/jpeg or image/png whose first bytes (`head`) are that format's
 * signature. A successful answer with no body is `empty` (ok when
 * `expectMatches` is false).
 */
export function checkRenderedAnswer(exchange: HttpExchange, head: Buffer, expectMatches = true): Outcome {
  if (exchange.outcome.kind !== 'ok') return exchange.outcome;
  if (head.length === 0) return expectMatches ? { kind: 'empty', reason: 'rendered answer with no image' } : { kind: 'ok' };
  const contentType = headerValue(exchange.headers['content-type']).toLowerCase();
  if (contentType.startsWith('image/jpeg')) {
    return head.subarray(0, 3).equals(JPEG_SIGNATURE) ? { kind: 'ok' } : { kind: 'check-failed', reason: 'image/jpeg without a JPEG signature' };
  }
  if (contentType.startsWith('image/png')) {
    return head.equals(PNG_SIGNATURE) ? { kind: 'ok' } : { kind: 'check-failed', reason: 'image/png without a PNG signature' };
  }
  return { kind: 'check-failed', reason: `content type ${contentType === '' ? '(none)' : contentType}, expected image/jpeg or image/png` };
}
