/**
 * `wado.metadata`: the series metadata a zero-footprint viewer reads before it
 * asks for frames (DESIGN section 6): WADO-RS `GET /studies/{S}/series/{Se}/metadata`,
 * DICOM JSON (PS3.18 section 10.4.1.1.2, Annex F). The series is one the
 * target holds (src/operations/dicomweb-catalog.ts), taken round robin.
 *
 * Check, cheap on purpose (a CT series' metadata is about 1 MB): a DICOM JSON
 * array counted as it streams by SOPInstanceUID keys (00080018), one per
 * instance, equal to the series' instance count when the lookup saw them all.
 */
import type { Outcome } from '../metrics/names.js';
import type { HttpExchange } from '../protocol/dicomweb/client.js';
import { DicomJsonArrayScanner, type JsonArrayInspection } from '../protocol/dicomweb/dicom-json-array.js';
import { pickRoundRobin } from './dicomweb-catalog.js';
import { createCatalogOperation } from './catalog-operation.js';
import { exchangeResult, headerValue } from './dicomweb-setup.js';
import { SOP_INSTANCE_UID_KEY } from './qido-instances.js';
import type { OperationFactory } from './types.js';

export const createWadoMetadata: OperationFactory = (setup) => {
  return createCatalogOperation('wado.metadata', setup, 'instances', async ({ client, catalog, iteration, signal }) => {
    const series = pickRoundRobin(catalog.series, iteration);
    const scanner = new DicomJsonArrayScanner(SOP_INSTANCE_UID_KEY);
    const exchange = await client.get(`/studies/${series.studyUid}/series/${series.seriesUid}/metadata`, {
      accept: 'application/dicom+json',
      signal,
      discardBody: true,
      onBodyChunk: (chunk) => scanner.push(chunk),
    });
    return exchangeResult(exchange, checkMetadataAnswer(exchange, scanner.result(), series.complete ? series.instanceCount : undefined));
  });
};

/** Ok for a DICOM JSON array with `expectedInstances` objects (at least one when unknown). */
export function checkMetadataAnswer(exchange: HttpExchange, body: JsonArrayInspection, expectedInstances: number | undefined): Outcome {
  if (exchange.outcome.kind !== 'ok') return exchange.outcome;
  const contentType = headerValue(exchange.headers['content-type']);
  if (!/^application\/(dicom\+)?json\b/i.test(contentType)) {
    return { kind: 'check-failed', reason: `content type ${contentType === '' ? '(none)' : contentType}` };
  }
  if (!body.ok) return { kind: 'check-failed', reason: body.reason };
  if (expectedInstances !== undefined && body.count !== expectedInstances) {
    return { kind: 'check-failed', reason: `metadata of ${body.count} instances, the series has ${expectedInstances}` };
  }
  if (body.count === 0) return { kind: 'check-failed', reason: 'metadata of no instances' };
  return { kind: 'ok' };
}
