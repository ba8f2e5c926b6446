/**
 * `stow.study`: a study send over STOW-RS (PS3.18 section 10.5): a synthetic
 * study of `images` instances, posted to `/studies` as
 * `multipart/related; type="application/dicom"`, `imagesPerRequest` instances
 * per request (default: the whole study in one), requests one after another.
 * Every run sends a new study (identities from src/synth/identity.ts, unique
 * across scenarios, workers and runs), with a visibly synthetic patient
 * (src/synth/dicomweb-instances.ts).
 *
 * Defaults: 20 images of the modality's matrix (CT 512 x 512 x 16 bits = 0.5 MiB),
 * a small study on purpose; set `images` and `imageSize` for docs/architecture.md section 6
 * volumes (a CT is about 680 images).
 *
 * The answer (PS3.18 10.5.3): the Store Instances Response Module in DICOM
 * JSON, with ReferencedSOPSequence (0008,1199) for stored instances and
 * FailedSOPSequence (0008,1198) for failed ones, counted per request:
 * - 200: every instance referenced, none failed: ok (a count mismatch is check_failed);
 * - 202: some failed: outcome HTTP 202 (key http_202, an error: the study is incomplete);
 *   a 202 without FailedSOPSequence is check_failed;
 * - 409: all failed: outcome HTTP 409 (http_409), as for any other 4xx/5xx.
 * The first request that does not end ok ends the run; bytes of every request
 * sent so far are counted, ttfb is the first request's.
 * Instances the answer references (ReferencedSOPInstanceUID (0008,1155) in the
 * ReferencedSOPSequence) are reported as acknowledged, for `--verify`.
 */
import { STATUS_CODES } from 'node:http';
import type { Outcome } from '../metrics/names.js';
import type { HttpExchange } from '../protocol/dicomweb/client.js';
import { encodeMultipartRelated } from '../protocol/dicomweb/multipart-encoder.js';
import { localDicomDate } from '../synth/dicom-date.js';
import { buildStowStudy, encodePart10, matrixFor } from '../synth/dicomweb-instances.js';
import { createOperationClient, headerValue } from './dicomweb-setup.js';
import { identitiesOf, sendIteration } from './identities.js';
import type { Operation, OperationFactory, OperationResult } from './types.js';

export const DEFAULT_STOW_IMAGES = 20;
const ACCEPT_DICOM_JSON = 'application/dicom+json';

export const createStowStudy: OperationFactory = (setup) => {
  const client = createOperationClient('stow.study', setup);
  const images = setup.params.images ?? DEFAULT_STOW_IMAGES;
  const imagesPerRequest = Math.min(images, setup.params.imagesPerRequest ?? images);
  const modality = setup.params.modality === '' ? 'OT' : setup.params.modality;
  const [rows, columns] = matrixForSize(modality, setup.params.imageSizeBytes);
  const identities = identitiesOf(setup);

  const operation: Operation = {
    name: 'stow.study',
    async run({ iteration, signal }) {
      // A deliberate re-send (`duplicateSends`) sends an earlier study's identities again.
      const send = identities.send('stow.study', sendIteration(setup, identities, iteration));
      const study = buildStowStudy({ send, instances: images, modality, rows, columns, studyDate: localDicomDate(new Date()) });
      const result: OperationResult = { outcome: { kind: 'ok' }, bytesSent: 0, bytesReceived: 0 };
      for (let first = 0; first < study.length; first += imagesPerRequest) {
        const batch = study.slice(first, first + imagesPerRequest);
        const parts = batch.map((instance) => {
          const { head, pixelData } = encodePart10(instance);
          return { contentType: 'application/dicom', content: [head, pixelData] };
        });
        // No scan for the boundary: it is 128 random bits, and the synthetic data cannot hold `--` followed by it.
        const encoded = encodeMultipartRelated(parts, 'application/dicom', undefined, false);
        const exchange = await client.post('/studies', {
          accept: ACCEPT_DICOM_JSON,
          contentType: encoded.contentType,
          body: encoded.chunks,
          bodyBytes: encoded.byteLength,
          signal,
        });
        result.bytesSent += exchange.bytesSent;
        result.bytesReceived += exchange.bytesReceived;
        if (result.ttfbUs === undefined && exchange.ttfbUs !== undefined) result.ttfbUs = exchange.ttfbUs;
        const counts = stowAnswerCounts(exchange);
        result.outcome = checkStowAnswer(exchange, batch.length, counts);
        if (counts !== undefined && counts.referencedUids.length > 0) {
          const sent = new Map(batch.map((instance) => [instance.sopInstanceUid, instance]));
          for (const uid of counts.referencedUids) {
            const instance = sent.get(uid);
            if (instance === undefined) continue;
            (result.acknowledged ??= []).push({ studyUid: instance.studyInstanceUid, seriesUid: instance.seriesInstanceUid, sopInstanceUid: uid });
          }
        }
        if (result.outcome.kind !== 'ok') break;
      }
      return result;
    },
    close: () => client.close(),
  };
  return operation;
};

/** Rows and columns for `imageSizeBytes` of 16-bit pixels, keeping the modality's aspect ratio (rounded up). */
export function matrixForSize(modality: string, imageSizeBytes: number | undefined): [rows: number, columns: number] {
  const [rows, columns] = matrixFor(modality);
  if (imageSizeBytes === undefined) return [rows, columns];
  const scale = Math.sqrt(imageSizeBytes / (rows * columns * 2));
  return [Math.max(1, Math.ceil(rows * scale)), Math.max(1, Math.ceil(columns * scale))];
}

/** What a STOW answer says: instances referenced (stored) and failed (PS3.18 10.5.3). */
export interface StowCounts {
  referenced: number;
  failed: number;
  /** ReferencedSOPInstanceUID of each referenced item that has one. */
  referencedUids: string[];
}

/** Reads the sequence counts of a Store Instances Response; undefined when the body is not such a DICOM JSON object. */
export function stowCounts(body: Buffer): StowCounts | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    // Some servers wrap the object in an array of one.
    const object = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, { Value?: unknown[] } | undefined> | undefined;
    if (typeof object !== 'object' || object === null) return undefined;
    const referencedItems = object['00081199']?.Value ?? [];
    const referencedUids: string[] = [];
    for (const item of referencedItems) {
      const uid = (item as Record<string, { Value?: unknown[] } | undefined> | null)?.['00081155']?.Value?.[0];
      if (typeof uid === 'string') referencedUids.push(uid);
    }
    return { referenced: referencedItems.length, failed: object['00081198']?.Value?.length ?? 0, referencedUids };
  } catch {
    return undefined;
  }
}

/**
 * `2 of 3 instances failed (FailureReason a700)`: what a Store Instances
 * Response says went wrong (issue 14, item 4), with the distinct Failure
 * Reasons (0008,1197) of its Failed SOP Sequence as 4 hex digits (PS3.18
 * section 10.5.3; the values are those of PS3.4 Annex GG.4).
 */
function failedInstancesText(counts: StowCounts, sent: number, body: Buffer): string {
  const reasons = failureReasonsOf(body);
  return `${counts.failed} of ${sent} instances failed${reasons.length === 0 ? '' : ` (FailureReason ${reasons.join(', ')})`}`;
}

function failureReasonsOf(body: Buffer): string[] {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const object = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, { Value?: unknown[] } | undefined> | undefined;
    const reasons = new Set<string>();
    for (const item of object?.['00081198']?.Value ?? []) {
      const reason = (item as Record<string, { Value?: unknown[] } | undefined> | null)?.['00081197']?.Value?.[0];
      if (typeof reason === 'number') reasons.add(reason.toString(16).padStart(4, '0'));
    }
    return [...reasons].sort();
  } catch {
    return [];
  }
}

/** A 4xx/5xx STOW answer that carries a Store Instances Response (409: none stored) says which failed and why, not its JSON. */
function withFailedInstances(outcome: Extract<Outcome, { kind: 'http-status' }>, exchange: HttpExchange, sent: number): Outcome {
  const counts = /json/i.test(headerValue(exchange.headers['content-type'])) ? stowCounts(exchange.body) : undefined;
  if (counts === undefined || counts.failed === 0) return outcome;
  const head = `${outcome.status} ${STATUS_CODES[outcome.status] ?? ''}`.trim();
  return { ...outcome, reason: `${head}: ${failedInstancesText(counts, sent, exchange.body)}` };
}

/** The counts of a STOW answer with a DICOM JSON body (any status), else undefined. */
export function stowAnswerCounts(exchange: HttpExchange): StowCounts | undefined {
  if (exchange.outcome.kind !== 'ok') return undefined;
  return /json/i.test(headerValue(exchange.headers['content-type'])) ? stowCounts(exchange.body) : undefined;
}

/** The outcome of one STOW request that sent `sent` instances (see the file comment). */
export function checkStowAnswer(exchange: HttpExchange, sent: number, counts: StowCounts | undefined = stowAnswerCounts(exchange)): Outcome {
  if (exchange.outcome.kind === 'http-status') return withFailedInstances(exchange.outcome, exchange, sent);
  if (exchange.outcome.kind !== 'ok') return exchange.outcome;
  const status = exchange.status ?? 0;
  const contentType = headerValue(exchange.headers['content-type']);
  if (status === 202) {
    if (counts === undefined || counts.failed === 0) return { kind: 'check-failed', reason: 'STOW 202 without FailedSOPSequence' };
    return { kind: 'http-status', status: 202, reason: `202 Accepted: ${failedInstancesText(counts, sent, exchange.body)}` };
  }
  if (status !== 200) return { kind: 'check-failed', reason: `STOW answered HTTP ${status}` };
  if (counts === undefined) return { kind: 'check-failed', reason: `STOW 200 without a DICOM JSON response (content type ${contentType || '(none)'})` };
  if (counts.failed > 0 || counts.referenced !== sent) {
    return { kind: 'check-failed', reason: `STOW 200 referenced ${counts.referenced} and failed ${counts.failed} of ${sent} instances` };
  }
  return { kind: 'ok' };
}
