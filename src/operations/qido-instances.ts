/**
 * `qido.instances`: the instance list of one series, as a viewer or a
 * prefetcher asks for it: QIDO-RS `GET /studies/{S}/series/{Se}/instances`
 * with the image geometry fields and one page of `limit` results (PS3.18
 * section 10.6.1; paging and includefield in section 8.3.4). The series is one
 * the target holds (src/operations/dicomweb-catalog.ts, studies of
 * `modality`), taken round robin.
 *
 * Check: a DICOM JSON array of instances (counted by SOPInstanceUID, 00080018),
 * no more than the limit, and as many as the series holds when the lookup
 * counted them all (min(count, limit)); none is `empty` unless
 * `expectMatches: false`. The count is recorded as `matches`.
 */
import { DicomJsonArrayScanner } from '../protocol/dicomweb/dicom-json-array.js';
import { qidoSearchPath } from '../protocol/dicomweb/qido-query.js';
import { pickRoundRobin } from './dicomweb-catalog.js';
import { createCatalogOperation } from './catalog-operation.js';
import { exchangeResult } from './dicomweb-setup.js';
import { checkQidoAnswer, qidoMatches } from './qido-series.js';
import type { OperationFactory } from './types.js';

/** Instances per page when the profile sets no limit (a CT series rarely exceeds it). */
export const DEFAULT_QIDO_INSTANCES_LIMIT = 1000;
/** The JSON key that marks one instance result. */
export const SOP_INSTANCE_UID_KEY = '00080018"';
/** NumberOfFrames, Rows, Columns, BitsAllocated: what a viewer needs to plan frame requests. */
const INCLUDE_FIELDS = ['00280008', '00280010', '00280011', '00280100'] as const;

export const createQidoInstances: OperationFactory = (setup) => {
  const limit = setup.params.limit ?? DEFAULT_QIDO_INSTANCES_LIMIT;
  return createCatalogOperation('qido.instances', setup, 'instances', 'matches', async ({ client, catalog, iteration, signal, expectMatches }) => {
    const series = pickRoundRobin(catalog.series, iteration);
    const scanner = new DicomJsonArrayScanner(SOP_INSTANCE_UID_KEY);
    const exchange = await client.get(qidoInstancesPath(series.studyUid, series.seriesUid, limit), {
      accept: 'application/dicom+json',
      signal,
      discardBody: true,
      onBodyChunk: (chunk) => scanner.push(chunk),
    });
    const atLeast = series.complete ? Math.min(series.instanceCount, limit) : 1;
    const body = scanner.result();
    const outcome = checkQidoAnswer(exchange, body, { limit, atLeast, what: `instances in series ${series.seriesUid}`, emptyIsOk: !expectMatches });
    return { ...exchangeResult(exchange, outcome), ...qidoMatches(exchange, body) };
  });
};

/** `/studies/{S}/series/{Se}/instances?limit=..&offset=0&includefield=...` */
export function qidoInstancesPath(studyUid: string, seriesUid: string, limit: number): string {
  return `/studies/${studyUid}/series/${seriesUid}${qidoSearchPath('instances', { limit, offset: 0, includeField: INCLUDE_FIELDS })}`;
}
