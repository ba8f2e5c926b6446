/**
 * `wado.instance`: one whole instance, as a prefetcher or a thick client
 * retrieves it: WADO-RS `GET /studies/{S}/series/{Se}/instances/{I}` with
 * `Accept: multipart/related; type="application/dicom"; transfer-syntax=*`
 * (PS3.18 section 10.4.1.1.1; `*` accepts the stored transfer syntax, so the
 * server need not transcode). The instance is one the target holds
 * (src/operations/dicomweb-catalog.ts), taken round robin.
 *
 * Check (streamed, src/operations/wado-multipart-check.ts): exactly one part,
 * application/dicom, a Part-10 file (`DICM` at byte 128), closing boundary
 * present; no part at all is `empty` unless `expectMatches: false`. The parts
 * are recorded as instances retrieved.
 */
import { pickRoundRobin } from './dicomweb-catalog.js';
import { createCatalogOperation } from './catalog-operation.js';
import { exchangeResult } from './dicomweb-setup.js';
import type { OperationFactory } from './types.js';
import { MultipartAnswerCheck, retrievedParts } from './wado-multipart-check.js';

export const ACCEPT_DICOM_INSTANCE = 'multipart/related; type="application/dicom"; transfer-syntax=*';

export const createWadoInstance: OperationFactory = (setup) => {
  return createCatalogOperation('wado.instance', setup, 'instances', 'instances', async ({ client, catalog, iteration, signal, expectMatches }) => {
    const instance = pickRoundRobin(catalog.instances, iteration);
    const check = new MultipartAnswerCheck({ parts: 1, partType: /^application\/dicom\b/i, part10: true, emptyIsOk: !expectMatches });
    const exchange = await client.get(`/studies/${instance.studyUid}/series/${instance.seriesUid}/instances/${instance.sopUid}`, {
      accept: ACCEPT_DICOM_INSTANCE,
      signal,
      discardBody: true,
      onResponseHeaders: check.onResponseHeaders,
      onBodyChunk: check.onBodyChunk,
    });
    return retrievedParts(exchangeResult(exchange, check.outcome(exchange)), check);
  });
};
