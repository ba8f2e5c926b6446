/**
 * `viewer.open`: what a zero-footprint viewer (OHIF v3 with lazy loading) does
 * to open one study (docs/architecture.md section 6), as one operation:
 *
 * 1. study search, QIDO-RS `GET /studies?StudyInstanceUID={S}&...` (PS3.18
 *    10.6.1), which also tells the viewer the study's PatientID;
 * 2. then, in parallel:
 *    - the prior search, `GET /studies?PatientID={P}&...` (the study browser's
 *      list of the patient's other studies);
 *    - the series list `GET /studies/{S}/series`, then one
 *      `GET /studies/{S}/series/{Se}/metadata` per series, all at once
 *      (PS3.18 10.4.1.1.2), then, as each series' metadata arrives, one
 *      `GET /studies/{S}/series/{Se}/instances/{I}/frames/1` per image
 *      (multipart, `transfer-syntax=*`, PS3.18 10.4.1.1.1), with at most
 *      `maxFramesInFlight` frame requests in flight for the whole open.
 *
 * A study of N series and M images makes 3 + N + M requests. The study is
 * picked round robin from what the target holds (src/operations/dicomweb-catalog.ts,
 * studies of `modality`, looked up in `prepare()`); the series and images asked
 * for are the ones the lookup found.
 *
 * Every answer gets the check its single-request operation gives it (qido.*,
 * wado.metadata, wado.frames); frame bodies are counted as they stream, never kept.
 *
 * Outcome: ok only if every request succeeded and passed its check; otherwise
 * the outcome of the first request that failed, in the order the failures
 * were seen. A failure does not end the open early, except where a viewer
 * would have nothing more to ask: a failed series list means no metadata and
 * no frames; a failed metadata request means no frames of that series; a
 * failed study search (or one without a PatientID) means no prior search.
 *
 * Metrics (OperationResult):
 * - `ttfbUs` is **time to first image**: from the start of the open (after the
 *   target lookup) until the first frame response was complete and checked,
 *   integer microseconds; absent when no frame arrived whole;
 * - time to all images is the operation's own response (and service) time;
 * - `bytesSent` / `bytesReceived` are summed over every request of the open,
 *   and `requests` counts them (requests per open: 3 + series + frames);
 * - `matches` are the results of its three QIDO searches (study, priors,
 *   series list) and `instancesRetrieved` the frames that arrived whole and
 *   passed their check.
 *
 * No study of `modality` to open is `empty` unless `expectMatches: false`; a
 * search or metadata answer with nothing in it, within an open, is `empty` always
 * (the viewer asked for a study the target listed).
 */
import type { Outcome } from '../metrics/names.js';
import type { DicomwebClient, HttpExchange } from '../protocol/dicomweb/client.js';
import { DicomJsonArrayScanner, inspectDicomJsonArray } from '../protocol/dicomweb/dicom-json-array.js';
import { qidoSearchPath } from '../protocol/dicomweb/qido-query.js';
import { DicomwebCatalog, pickRoundRobin, type TargetCatalog } from './dicomweb-catalog.js';
import { expectsMatches } from '../profile/expect-matches.js';
import { createOperationClient, lookupFailedResult, nothingToFetchResult } from './dicomweb-setup.js';
import { SOP_INSTANCE_UID_KEY } from './qido-instances.js';
import { checkQidoAnswer, DEFAULT_QIDO_SERIES_LIMIT, qidoMatches, qidoSeriesPath, SERIES_INSTANCE_UID_KEY } from './qido-series.js';
import { DEFAULT_QIDO_LIMIT } from './qido-studies.js';
import type { Operation, OperationFactory, OperationResult } from './types.js';
import { ACCEPT_FRAMES } from './wado-frames.js';
import { checkMetadataAnswer } from './wado-metadata.js';
import { MultipartAnswerCheck } from './wado-multipart-check.js';
import { InFlightLimit } from './viewer-in-flight-limit.js';
import { planViewerStudies, type ViewerSeries, type ViewerStudy } from './viewer-study-plan.js';

/** Frame requests in flight per open when the profile sets no `maxFramesInFlight` (OHIF v3's default). */
export const DEFAULT_MAX_FRAMES_IN_FLIGHT = 100;

const ACCEPT_DICOM_JSON = 'application/dicom+json';
/** StudyDescription, Modality: what OHIF adds to its study searches. */
const STUDY_INCLUDE_FIELDS = ['00081030', '00080060'] as const;
/** Uncompressed frames, or a compressed pixel format the server kept (PS3.18 8.7.3.3.2); as wado.frames. */
const FRAME_PART_TYPE = /^(application\/octet-stream|image\/|video\/)/i;
const STUDY_INSTANCE_UID_TAG = '0020000D';
const PATIENT_ID_TAG = '00100020';

export const createViewerOpen: OperationFactory = (setup) => {
  const client = createOperationClient('viewer.open', setup);
  const catalog = new DicomwebCatalog(client, { modality: setup.params.modality, depth: 'instances' });
  const maxFramesInFlight = setup.params.maxFramesInFlight ?? DEFAULT_MAX_FRAMES_IN_FLIGHT;
  const expectMatches = expectsMatches('viewer.open', setup.params);
  let planned: { catalog: TargetCatalog; studies: ViewerStudy[] } | undefined;

  const operation: Operation = {
    name: 'viewer.open',
    async run({ iteration, signal }) {
      const lookup = await catalog.get(signal);
      if (!lookup.ok) return lookup.outcome.kind === 'empty' ? nothingToFetchResult(lookup.outcome, expectMatches, 'instances') : lookupFailedResult(lookup.outcome);
      // The catalog object stays the same once looked up: plan its studies once.
      if (planned?.catalog !== lookup.catalog) planned = { catalog: lookup.catalog, studies: planViewerStudies(lookup.catalog) };
      if (planned.studies.length === 0) {
        return nothingToFetchResult({ kind: 'empty', reason: "the target's studies have no instances to open" }, expectMatches, 'instances');
      }
      return openStudy(client, pickRoundRobin(planned.studies, iteration), maxFramesInFlight, signal);
    },
    // The target lookup, before time zero when the worker calls it (see Operation.prepare).
    prepare: async (signal) => {
      await catalog.get(signal);
    },
    close: () => client.close(),
  };
  return operation;
};

/**
 * Opens `study` as described in the file comment. Resolves with the open's
 * result; never rejects for a target failure.
 */
export async function openStudy(
  client: DicomwebClient,
  study: ViewerStudy,
  maxFramesInFlight: number,
  signal: AbortSignal,
): Promise<OperationResult> {
  const tally = new OpenTally();
  const patientId = await searchStudy(client, study.studyUid, signal, tally);
  const priors = patientId === undefined ? Promise.resolve() : searchPriors(client, patientId, signal, tally);
  await loadImages(client, study, new InFlightLimit(maxFramesInFlight), signal, tally);
  await priors;
  return tally.result();
}

/** The study search; resolves with the study's PatientID, or undefined when the search failed. */
async function searchStudy(client: DicomwebClient, studyUid: string, signal: AbortSignal, tally: OpenTally): Promise<string | undefined> {
  const path = qidoSearchPath('studies', {
    match: { StudyInstanceUID: studyUid },
    limit: DEFAULT_QIDO_LIMIT,
    offset: 0,
    includeField: STUDY_INCLUDE_FIELDS,
  });
  // One small answer: kept whole, since the PatientID is read from it.
  const exchange = await client.get(path, { accept: ACCEPT_DICOM_JSON, signal });
  const checked = checkQidoAnswer(exchange, inspectDicomJsonArray(exchange.body), { limit: DEFAULT_QIDO_LIMIT, atLeast: 1, what: 'studies' });
  tally.addMatches(qidoMatches(exchange, inspectDicomJsonArray(exchange.body)).matches);
  if (!tally.add(exchange, checked)) return undefined;
  const patientId = patientIdOf(exchange.body, studyUid);
  if (patientId === undefined) tally.fail({ kind: 'check-failed', reason: 'study search: no PatientID for the study' });
  return patientId;
}

/** The prior search by PatientID; the opened study is one of the results, so at least one. */
async function searchPriors(client: DicomwebClient, patientId: string, signal: AbortSignal, tally: OpenTally): Promise<void> {
  const path = qidoSearchPath('studies', {
    match: { PatientID: patientId },
    limit: DEFAULT_QIDO_LIMIT,
    offset: 0,
    includeField: STUDY_INCLUDE_FIELDS,
  });
  const scanner = new DicomJsonArrayScanner();
  const exchange = await client.get(path, { accept: ACCEPT_DICOM_JSON, signal, discardBody: true, onBodyChunk: (chunk) => scanner.push(chunk) });
  tally.addMatches(qidoMatches(exchange, scanner.result()).matches);
  tally.add(exchange, checkQidoAnswer(exchange, scanner.result(), { limit: DEFAULT_QIDO_LIMIT, atLeast: 1, what: 'prior studies' }));
}

/** The series list, then metadata per series, then the frames of each series whose metadata arrived. */
async function loadImages(client: DicomwebClient, study: ViewerStudy, frames: InFlightLimit, signal: AbortSignal, tally: OpenTally): Promise<void> {
  const scanner = new DicomJsonArrayScanner(SERIES_INSTANCE_UID_KEY);
  const exchange = await client.get(qidoSeriesPath(study.studyUid, DEFAULT_QIDO_SERIES_LIMIT), {
    accept: ACCEPT_DICOM_JSON,
    signal,
    discardBody: true,
    onBodyChunk: (chunk) => scanner.push(chunk),
  });
  const expected = { limit: DEFAULT_QIDO_SERIES_LIMIT, atLeast: study.series.length, what: 'series' };
  tally.addMatches(qidoMatches(exchange, scanner.result()).matches);
  if (!tally.add(exchange, checkQidoAnswer(exchange, scanner.result(), expected))) return;
  await Promise.all(study.series.map((series) => loadSeries(client, series, frames, signal, tally)));
}

async function loadSeries(client: DicomwebClient, entry: ViewerSeries, frames: InFlightLimit, signal: AbortSignal, tally: OpenTally): Promise<void> {
  const { series } = entry;
  if (tally.stopIfAborted(signal)) return;
  const scanner = new DicomJsonArrayScanner(SOP_INSTANCE_UID_KEY);
  const exchange = await client.get(`/studies/${series.studyUid}/series/${series.seriesUid}/metadata`, {
    accept: ACCEPT_DICOM_JSON,
    signal,
    discardBody: true,
    onBodyChunk: (chunk) => scanner.push(chunk),
  });
  const checked = checkMetadataAnswer(exchange, scanner.result(), series.complete ? series.instanceCount : undefined);
  if (!tally.add(exchange, checked)) return;
  await Promise.all(
    entry.instances.map((instance) =>
      frames.run(async () => {
        if (tally.stopIfAborted(signal)) return;
        const check = new MultipartAnswerCheck({ parts: 1, partType: FRAME_PART_TYPE, uncompressedPartBytes: instance.frameBytes });
        const frame = await client.get(`/studies/${instance.studyUid}/series/${instance.seriesUid}/instances/${instance.sopUid}/frames/1`, {
          accept: ACCEPT_FRAMES,
          signal,
          discardBody: true,
          onResponseHeaders: check.onResponseHeaders,
          onBodyChunk: check.onBodyChunk,
        });
        if (tally.add(frame, check.outcome(frame))) tally.imageShown();
      }),
    ),
  );
}

/** The PatientID of `studyUid` in a study search answer (DICOM JSON, PS3.18 F.2), or undefined. */
function patientIdOf(body: Buffer, studyUid: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (!Array.isArray(parsed)) return undefined;
    for (const object of parsed as Array<Record<string, { Value?: unknown[] } | undefined>>) {
      if (object[STUDY_INSTANCE_UID_TAG]?.Value?.[0] !== studyUid) continue;
      const value = object[PATIENT_ID_TAG]?.Value?.[0];
      return typeof value === 'string' && value !== '' ? value : undefined;
    }
  } catch {
    // Not JSON: the array check has already failed the exchange; nothing more to say.
  }
  return undefined;
}

/** What one open adds up: bytes, the first failure, the time to first image. */
class OpenTally {
  readonly #startMs = performance.now();
  #bytesSent = 0;
  #bytesReceived = 0;
  #requests = 0;
  #matches = 0;
  #framesShown = 0;
  #firstFailure: Outcome | undefined;
  #firstImageUs: number | undefined;
  #abortNoted = false;

  /** Counts an exchange's bytes; true when its checked outcome is ok. */
  add(exchange: HttpExchange, outcome: Outcome): boolean {
    this.#bytesSent += exchange.bytesSent;
    this.#bytesReceived += exchange.bytesReceived;
    this.#requests += 1;
    if (outcome.kind === 'ok') return true;
    this.fail(outcome);
    return false;
  }

  /** Notes a failure; the first one is the open's outcome. */
  fail(outcome: Outcome): void {
    this.#firstFailure ??= outcome;
  }

  /** True when the scenario stopped the open: no more requests are sent (the client would count bytes it never sent). */
  stopIfAborted(signal: AbortSignal): boolean {
    if (!signal.aborted) return false;
    if (!this.#abortNoted) this.fail({ kind: 'aborted' });
    this.#abortNoted = true;
    return true;
  }

  /** Counts the results of one of the open's QIDO searches. */
  addMatches(matches: number): void {
    this.#matches += matches;
  }

  imageShown(): void {
    this.#framesShown += 1;
    this.#firstImageUs ??= Math.round((performance.now() - this.#startMs) * 1000);
  }

  result(): OperationResult {
    const result: OperationResult = {
      outcome: this.#firstFailure ?? { kind: 'ok' },
      bytesSent: this.#bytesSent,
      bytesReceived: this.#bytesReceived,
      requests: this.#requests,
      matches: this.#matches,
      instancesRetrieved: this.#framesShown,
    };
    if (this.#firstImageUs !== undefined) result.ttfbUs = this.#firstImageUs;
    return result;
  }
}
