/**
 * `wado.frames`: the frame request a zero-footprint viewer sends per image
 * (docs/architecture.md section 6, OHIF v3): WADO-RS
 * `GET /studies/{S}/series/{Se}/instances/{I}/frames/1[,2,...]` with
 * `Accept: multipart/related; type="application/octet-stream"; transfer-syntax=*`
 * (PS3.18 section 10.4.1.1.1). The instance is one the target holds
 * (src/operations/dicomweb-catalog.ts), taken round robin; a multi-frame
 * instance is asked for up to `FRAMES_PER_REQUEST` frames.
 *
 * Check (streamed, never buffered): one part per frame asked for; an
 * uncompressed part (application/octet-stream) has exactly Rows x Columns x
 * BitsAllocated / 8 bytes when the lookup learned the geometry; a compressed
 * one (image/jls, image/jp2, ...) is non-empty; no part at all is `empty`
 * unless `expectMatches: false`. The parts are recorded as instances retrieved.
 */
import { pickRoundRobin } from './dicomweb-catalog.js';
import { createCatalogOperation } from './catalog-operation.js';
import { exchangeResult } from './dicomweb-setup.js';
import type { OperationFactory } from './types.js';
import { MultipartAnswerCheck, retrievedParts } from './wado-multipart-check.js';

export const ACCEPT_FRAMES = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
/** Frames asked for per request at most: one, as OHIF's lazy loading does. */
export const FRAMES_PER_REQUEST = 1;

export const createWadoFrames: OperationFactory = (setup) => {
  return createCatalogOperation('wado.frames', setup, 'instances', 'instances', async ({ client, catalog, iteration, signal, expectMatches }) => {
    const instance = pickRoundRobin(catalog.instances, iteration);
    const frames = Array.from({ length: Math.min(FRAMES_PER_REQUEST, instance.frames) }, (_, index) => index + 1);
    const check = new MultipartAnswerCheck({
      parts: frames.length,
      // Uncompressed frames, or a compressed pixel format the server kept (PS3.18 8.7.3.3.2).
      partType: /^(application\/octet-stream|image\/|video\/)/i,
      uncompressedPartBytes: instance.frameBytes,
      emptyIsOk: !expectMatches,
    });
    const path = `/studies/${instance.studyUid}/series/${instance.seriesUid}/instances/${instance.sopUid}/frames/${frames.join(',')}`;
    const exchange = await client.get(path, {
      accept: ACCEPT_FRAMES,
      signal,
      discardBody: true,
      onResponseHeaders: check.onResponseHeaders,
      onBodyChunk: check.onBodyChunk,
    });
    return retrievedParts(exchangeResult(exchange, check.outcome(exchange)), check);
  });
};
