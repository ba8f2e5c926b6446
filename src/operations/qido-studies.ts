/**
 * `qido.studies`: the search a reading worklist or a zero-footprint viewer's
 * study list sends (docs/architecture.md section 6): QIDO-RS `GET /studies` for today's
 * studies of one modality, one page of `limit` results (PS3.18 section 10.6).
 *
 * The query is the one OHIF's study list sends, narrowed by modality:
 * `/studies?StudyDate=<today>-<today>&ModalitiesInStudy=<modality>&limit=<n>&offset=0&includefield=00081030,00080060`.
 *
 * The answer check is cheap on purpose (see src/protocol/dicomweb/dicom-json-array.ts):
 * a JSON array with no more results than the limit, in a JSON media type.
 * The results are recorded as `matches`; none is ok by default (a study list
 * for today may rightly be empty) and `empty` with `expectMatches: true`.
 */
import type { Outcome } from '../metrics/names.js';
import type { HttpExchange } from '../protocol/dicomweb/client.js';
import { DicomJsonArrayScanner, type JsonArrayInspection } from '../protocol/dicomweb/dicom-json-array.js';
import { dateRange, qidoSearchPath } from '../protocol/dicomweb/qido-query.js';
import { localDicomDate } from '../synth/dicom-date.js';
import { expectsMatches } from '../profile/expect-matches.js';
import { createOperationClient } from './dicomweb-setup.js';
import { qidoMatches } from './qido-series.js';
import type { Operation, OperationFactory, OperationResult } from './types.js';

/** One study-list page when the profile sets no limit (OHIF asks for 101; a round 100 reads better in reports). */
export const DEFAULT_QIDO_LIMIT = 100;

/** The media type of DICOM JSON (PS3.18 section 8.7.3, DICOM media types; Annex F). */
const ACCEPT_DICOM_JSON = 'application/dicom+json';

/** StudyDescription, Modality: what OHIF's study list adds to the default attributes. */
const INCLUDE_FIELDS = ['00081030', '00080060'] as const;

/**
 * Builds the operation for one worker and scenario: one undici pool of
 * `target.dicomweb.connections` keep-alive connections, closed by `close()`.
 * Throws PacsLoadError when the profile has no DICOMweb target, a credential
 * variable is unset or the CA file is unusable (src/operations/dicomweb-setup.ts);
 * never during `run()`.
 */
export const createQidoStudies: OperationFactory = (setup) => {
  const client = createOperationClient('qido.studies', setup);
  const limit = setup.params.limit ?? DEFAULT_QIDO_LIMIT;
  const modality = setup.params.modality;
  const expectMatches = expectsMatches('qido.studies', setup.params);

  // The path changes only when the local date does; build it once per day.
  let pathDate = '';
  let path = '';
  const pathForToday = (): string => {
    const today = localDicomDate(new Date());
    if (today !== pathDate) {
      pathDate = today;
      path = qidoStudiesPath(today, modality, limit);
    }
    return path;
  };

  const operation: Operation = {
    name: 'qido.studies',
    async run({ signal }): Promise<OperationResult> {
      // The body is checked as it streams in and never kept (see the file comment).
      const scanner = new DicomJsonArrayScanner();
      const exchange = await client.get(pathForToday(), {
        accept: ACCEPT_DICOM_JSON,
        signal,
        discardBody: true,
        onBodyChunk: (chunk) => scanner.push(chunk),
      });
      const body = scanner.result();
      const result: OperationResult = {
        outcome: checkQidoStudiesAnswer(exchange, body, limit, expectMatches),
        bytesSent: exchange.bytesSent,
        bytesReceived: exchange.bytesReceived,
        ...qidoMatches(exchange, body),
      };
      if (exchange.ttfbUs !== undefined) result.ttfbUs = exchange.ttfbUs;
      return result;
    },
    close: () => client.close(),
  };
  return operation;
};

/** The search path for `dateDa` (DICOM DA, YYYYMMDD) and one modality ('' matches all). */
export function qidoStudiesPath(dateDa: string, modality: string, limit: number): string {
  const match: Record<string, string> = { StudyDate: dateRange(dateDa, dateDa) };
  if (modality !== '') match['ModalitiesInStudy'] = modality;
  return qidoSearchPath('studies', { match, limit, offset: 0, includeField: INCLUDE_FIELDS });
}

/**
 * The outcome of a QIDO /studies exchange: a transport or HTTP failure as the
 * client classified it; otherwise ok when the answer is a DICOM JSON array with
 * at most `limit` results, or a 204 (some servers answer an empty search so);
 * no result at all is `empty` when `expectMatches`.
 * `body` is the inspection of the body (src/protocol/dicomweb/dicom-json-array.ts).
 */
export function checkQidoStudiesAnswer(
  exchange: HttpExchange,
  body: JsonArrayInspection,
  limit: number | undefined,
  expectMatches = false,
): Outcome {
  if (exchange.outcome.kind !== 'ok') return exchange.outcome;
  // PS3.18 10.6.3: 204 or an empty array both mean no match.
  const nothing: Outcome = expectMatches ? { kind: 'empty', reason: 'no studies match the search' } : { kind: 'ok' };
  if (exchange.status === 204) return nothing;
  const contentType = headerValue(exchange.headers['content-type']);
  // application/dicom+json per PS3.18; plain application/json from some gateways is tolerated.
  if (!/^application\/(dicom\+)?json\b/i.test(contentType)) {
    return { kind: 'check-failed', reason: `content type ${contentType === '' ? '(none)' : contentType}` };
  }
  if (!body.ok) return { kind: 'check-failed', reason: body.reason };
  // PS3.18 8.3.4 (paging): a server may return fewer results than the limit, never more.
  if (limit !== undefined && body.count > limit) {
    return { kind: 'check-failed', reason: `${body.count} results for limit ${limit}` };
  }
  return body.count === 0 ? nothing : { kind: 'ok' };
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
