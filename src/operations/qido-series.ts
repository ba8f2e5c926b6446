/**
 * `qido.series`: the series list a viewer asks for when a study is opened
 * (docs/architecture.md section 6): QIDO-RS `GET /studies/{S}/series` with OHIF's extra
 * fields and one page of `limit` results (PS3.18 section 10.6.1; paging and
 * includefield in section 8.3.4). The study is one the target holds, found once
 * per worker (src/operations/dicomweb-catalog.ts, studies of `modality`), taken
 * round robin.
 *
 * Check: a DICOM JSON array of series (counted by SeriesInstanceUID, 0020000E),
 * at least one (the study exists; none is `empty` unless `expectMatches: false`)
 * and no more than the limit. The count is recorded as `matches`.
 */
import type { Outcome } from '../metrics/names.js';
import type { HttpExchange } from '../protocol/dicomweb/client.js';
import { DicomJsonArrayScanner, type JsonArrayInspection } from '../protocol/dicomweb/dicom-json-array.js';
import { qidoSearchPath } from '../protocol/dicomweb/qido-query.js';
import { pickRoundRobin } from './dicomweb-catalog.js';
import { createCatalogOperation } from './catalog-operation.js';
import { exchangeResult, headerValue } from './dicomweb-setup.js';
import type { OperationFactory } from './types.js';

/** Series per page when the profile sets no limit: more than any real study has. */
export const DEFAULT_QIDO_SERIES_LIMIT = 100;
/** The JSON key that marks one series result (see src/protocol/dicomweb/dicom-json-array.ts). */
export const SERIES_INSTANCE_UID_KEY = '0020000E"';
/** SeriesDescription, NumberOfSeriesRelatedInstances, PerformedProcedureStepStartDate: what a viewer's series list shows. */
const INCLUDE_FIELDS = ['0008103E', '00201209', '00400244'] as const;

export const createQidoSeries: OperationFactory = (setup) => {
  const limit = setup.params.limit ?? DEFAULT_QIDO_SERIES_LIMIT;
  return createCatalogOperation('qido.series', setup, 'studies', 'matches', async ({ client, catalog, iteration, signal, expectMatches }) => {
    const studyUid = pickRoundRobin(catalog.studyUids, iteration);
    const scanner = new DicomJsonArrayScanner(SERIES_INSTANCE_UID_KEY);
    const exchange = await client.get(qidoSeriesPath(studyUid, limit), {
      accept: 'application/dicom+json',
      signal,
      discardBody: true,
      onBodyChunk: (chunk) => scanner.push(chunk),
    });
    const body = scanner.result();
    const outcome = checkQidoAnswer(exchange, body, { limit, atLeast: 1, what: `series in study ${studyUid}`, emptyIsOk: !expectMatches });
    return { ...exchangeResult(exchange, outcome), ...qidoMatches(exchange, body) };
  });
};

/** `/studies/{S}/series?limit=..&offset=0&includefield=...` */
export function qidoSeriesPath(studyUid: string, limit: number): string {
  return `/studies/${studyUid}${qidoSearchPath('series', { limit, offset: 0, includeField: INCLUDE_FIELDS })}`;
}

/** The results a QIDO answer held (`matches`): the array's length; 0 for a 204 or an answer that failed. */
export function qidoMatches(exchange: HttpExchange, body: JsonArrayInspection): { matches: number } {
  return { matches: exchange.outcome.kind === 'ok' && exchange.status !== 204 && body.ok ? body.count : 0 };
}

/**
 * The outcome of a QIDO exchange below the study level: the client's failure,
 * else ok for a DICOM JSON array (or 204) whose result count is in [atLeast, limit].
 * No result at all where at least one is expected is `empty` (ok with `emptyIsOk`,
 * the scenario's `expectMatches: false`); some, but fewer than `atLeast`, is a check failure.
 */
export function checkQidoAnswer(
  exchange: HttpExchange,
  body: JsonArrayInspection,
  expected: { limit: number; atLeast: number; what: string; emptyIsOk?: boolean },
): Outcome {
  if (exchange.outcome.kind !== 'ok') return exchange.outcome;
  const count = exchange.status === 204 ? 0 : undefined;
  if (count === undefined) {
    const contentType = headerValue(exchange.headers['content-type']);
    // application/dicom+json per PS3.18 8.7.3; plain application/json from some gateways is tolerated.
    if (!/^application\/(dicom\+)?json\b/i.test(contentType)) {
      return { kind: 'check-failed', reason: `content type ${contentType === '' ? '(none)' : contentType}` };
    }
    if (!body.ok) return { kind: 'check-failed', reason: body.reason };
  }
  const found = count ?? (body.ok ? body.count : 0);
  // PS3.18 8.3.4.4: never more than the limit.
  if (found > expected.limit) return { kind: 'check-failed', reason: `${found} ${expected.what} for limit ${expected.limit}` };
  if (found === 0 && expected.atLeast > 0) return expected.emptyIsOk === true ? { kind: 'ok' } : { kind: 'empty', reason: `no ${expected.what}` };
  if (found < expected.atLeast) return { kind: 'check-failed', reason: `${found} ${expected.what}, expected at least ${expected.atLeast}` };
  return { kind: 'ok' };
}
