/**
 * `wado.metadata`: the series metadata a zero-footprint viewer reads before it
 * asks for frames (docs/architecture.md section 6): WADO-RS `GET /studies/{S}/series/{Se}/metadata`,
 * DICOM JSON (PS3.18 section 10.4.1.1.2, Annex F). The series is one the
 * target holds (src/operations/dicomweb-catalog.ts), taken round robin.
 *
 * Check, cheap on purpose (a CT series' metadata is about 1 MB): a DICOM JSON
 * array counted as it streams by SOPInstanceUID keys (00080018), one per
 * instance, equal to the series' instance count when the lookup saw them all;
 * none is `empty` unless `expectMatches: false`. The objects are recorded as
 * instances retrieved.
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
  return createCatalogOperation('wado.metadata', setup, 'instances', 'instances', async ({ client, catalog, iteration, signal, expectMatches }) => {
    const series = pickRoundRobin(catalog.series, iteration);
    const scanner = new DicomJsonArrayScanner(SOP_INSTANCE_UID_KEY);
    const exchange = await client.get(`/studies/${series.studyUid}/series/${series.seriesUid}/metadata`, {
      accept: 'application/dicom+json',
      signal,
      discardBody: true,
      onBodyChunk: (chunk) => scanner.push(chunk),
    });
    const body = scanner.result();
    const outcome = checkMetadataAnswer(exchange, body, series.complete ? series.instanceCount : undefined, expectMatches);
    // One metadata object per instance: the instances whose metadata was retrieved.
    return { ...exchangeResult(exchange, outcome), instancesRetrieved: exchange.outcome.kind === 'ok' && body.ok ? body.count : 0 };
  });
};

/**
 * Ok for a DICOM JSON array with `expectedInstances` objects (at least one when
 * unknown). An array of none is `empty` (ok when `expectMatches` is false).
 */
export function checkMetadataAnswer(
  exchange: HttpExchange,
  body: JsonArrayInspection,
  expectedInstances: number | undefined,
  expectMatches = true,
): Outcome {
  if (exchange.outcome.kind !== 'ok') return exchange.outcome;
  const contentType = headerValue(exchange.headers['content-type']);
  if (!/^application\/(dicom\+)?json\b/i.test(contentType)) {
    return { kind: 'check-failed', reason: `content type ${contentType === '' ? '(none)' : contentType}` };
  }
  if (!body.ok) return { kind: 'check-failed', reason: body.reason };
  if (body.count === 0) return expectMatches ? { kind: 'empty', reason: 'metadata of no instances' } : { kind: 'ok' };
  if (expectedInstances !== undefined && body.count !== expectedInstances) {
    return { kind: 'check-failed', reason: `metadata of ${body.count} instances, the series has ${expectedInstances}` };
  }
  return { kind: 'ok' };
}
