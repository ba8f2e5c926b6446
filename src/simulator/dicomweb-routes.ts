/**
 * The simulator's DICOMweb resources beyond the study search: QIDO-RS series
 * and instance searches (PS3.18 section 10.6), WADO-RS metadata, instances,
 * frames and rendered images (section 10.4) and STOW-RS (section 10.5), over
 * the store of src/simulator/dicomweb-store.ts, through the shared fault
 * injector (latency, stall, 503 by `errorRate`, 429 by `throttleRate`, and the
 * injected HTTP faults of src/simulator/dicomweb-faults.ts).
 *
 * Paths, relative to the service root:
 *   GET  /series, /instances                       QIDO over every study (PS3.18 10.6.1, root level)
 *   GET  /studies/{S}/series                       QIDO series of a study
 *   GET  /studies/{S}/instances                    QIDO instances of a study
 *   GET  /studies/{S}/series/{Se}/instances        QIDO instances of a series
 *   GET  /studies/{S}/series/{Se}/metadata         WADO-RS metadata (DICOM JSON)
 *   GET  /studies/{S}/series/{Se}/instances/{I}    WADO-RS instance (multipart, application/dicom)
 *   GET  .../instances/{I}/frames/{n,m,...}        WADO-RS frames (multipart, application/octet-stream)
 *   GET  .../instances/{I}/rendered                WADO-RS rendered (image/jpeg or image/png)
 *   POST /studies, POST /studies/{S}               STOW-RS
 * (`GET /studies` itself is answered by dicomweb-server.ts.)
 *
 * Received instances (STOW-RS here, C-STORE on the DIMSE side) are served as
 * they were received: WADO-RS instances are their Part-10 bytes, frames are
 * cut from their Pixel Data (src/simulator/stored-instance-bytes.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeMultipartRelated, type MultipartPart } from '../protocol/dicomweb/multipart-encoder.js';
import { parseMediaType } from '../protocol/dicomweb/multipart-media-type.js';
import { MultipartParser } from '../protocol/dicomweb/multipart-parser.js';
import {
  encodePart10,
  EXPLICIT_VR_LITTLE_ENDIAN,
  instanceToDicomJson,
  pixelDataFor,
  type SyntheticInstance,
} from '../synth/dicomweb-instances.js';
import type { DicomJsonObject } from '../synth/studies.js';
import { firstBytes } from './dataset-reader.js';
import { readPart10 } from './dicomweb-part10-reader.js';
import { instanceObject, searchInstances, searchSeries, seriesObject } from './dicomweb-qido-search.js';
import { RENDERED_JPEG, RENDERED_PNG } from './dicomweb-rendered-images.js';
import { FAILURE_CANNOT_UNDERSTAND, FAILURE_OUT_OF_RESOURCES, type DicomwebStore } from './dicomweb-store.js';
import { InstanceStore } from './instance-store.js';
import { part10Chunks, storedFrame } from './stored-instance-bytes.js';
import { declaredMultipartType, injectHttpFaults, PLAIN_ANSWER, sendAnswer, type HttpAnswerStyle } from './dicomweb-faults.js';
import type { FaultInjector } from './faults.js';

export interface DicomwebRoutesOptions {
  store: DicomwebStore;
  faults: FaultInjector;
  /** The service root URL, for RetrieveURL attributes (known once the server listens). */
  baseUrl: () => string;
  /** Told after a STOW request stored at least one instance (the study search must see it). */
  onStored: () => void;
}

/** Handles a request if it is one of these routes; false when the path is not one (the caller answers 404). */
export type DicomwebRouteHandler = (request: IncomingMessage, response: ServerResponse, path: string, query: string) => Promise<boolean>;

const DICOM_JSON = 'application/dicom+json';
/** Bytes of a STOW part kept for reading its header when the part is too large for the store; the rest is counted and dropped. */
const STOW_HEAD_BYTES = 64 * 1024;
/** JSON answers cached, by total size; cleared whenever the store changes. */
const JSON_CACHE_MAX_BYTES = 32 * 1024 * 1024;

interface CachedJson {
  body: Buffer;
  /** `limit` cut the answer short (PS3.18 10.6.3: a Warning header says so). */
  truncated: boolean;
}

export function createDicomwebRoutes(options: DicomwebRoutesOptions): DicomwebRouteHandler {
  const { store, faults } = options;
  const jsonCache = new Map<string, CachedJson>();
  let jsonCacheBytes = 0;
  let jsonCacheVersion = store.version;

  /** The cached answer for `key`, else built (undefined from `build` means not found, and is not cached). */
  const cachedJson = (key: string, build: () => { objects: unknown[]; truncated: boolean } | undefined): CachedJson | undefined => {
    // What arrived since (by STOW or C-STORE) makes every cached answer stale.
    if (jsonCacheVersion !== store.version) {
      jsonCache.clear();
      jsonCacheBytes = 0;
      jsonCacheVersion = store.version;
    }
    let cached = jsonCache.get(key);
    if (cached === undefined) {
      const built = build();
      if (built === undefined) return undefined;
      cached = { body: Buffer.from(JSON.stringify(built.objects), 'utf8'), truncated: built.truncated };
      while (jsonCacheBytes + cached.body.length > JSON_CACHE_MAX_BYTES && jsonCache.size > 0) {
        const oldest = jsonCache.keys().next().value!;
        jsonCacheBytes -= jsonCache.get(oldest)!.body.length;
        jsonCache.delete(oldest);
      }
      if (cached.body.length <= JSON_CACHE_MAX_BYTES) {
        jsonCache.set(key, cached);
        jsonCacheBytes += cached.body.length;
      }
    }
    return cached;
  };

  /** The fault knobs for one request (dicomweb-faults.ts): undefined when a fault answered it, else how to send the answer. */
  const injectFaults = (response: ServerResponse, multipart = false): Promise<HttpAnswerStyle | undefined> =>
    injectHttpFaults(faults, response, { multipart });

  return async (request, response, path, query) => {
    const segments = path.split('/').slice(1).map(decodeURIComponent);
    const method = request.method ?? 'GET';
    // PS3.18 10.6.1: searches at the root, over every study.
    if (segments.length === 1 && (segments[0] === 'series' || segments[0] === 'instances')) {
      if (method !== 'GET') return answered(response, 405, { allow: 'GET' });
      if (!acceptsJson(request.headers.accept ?? '*/*')) return answered(response, 406);
      const style = await injectFaults(response);
      if (style === undefined) return true;
      const kind = segments[0];
      search(response, `${path}?${query}`, () => (kind === 'series' ? searchSeries(store, query, {}, options.baseUrl()) : searchInstances(store, query, {}, options.baseUrl())), style);
      return true;
    }
    if (segments[0] !== 'studies') return false;
    const [, studyUid, seriesWord, seriesUid, leaf, sopUid, instanceLeaf, frameList] = segments;
    // PS3.18 10.6.1: the instances of one study.
    if (segments.length === 3 && studyUid !== undefined && seriesWord === 'instances') {
      if (method !== 'GET') return answered(response, 405, { allow: 'GET' });
      if (!acceptsJson(request.headers.accept ?? '*/*')) return answered(response, 406);
      const style = await injectFaults(response);
      if (style === undefined) return true;
      if (store.series(studyUid) === undefined) return answered(response, 404);
      search(response, `${path}?${query}`, () => searchInstances(store, query, { studyUid }, options.baseUrl()), style);
      return true;
    }

    if (method === 'POST' && segments.length <= 2) {
      await stow(request, response, studyUid);
      return true;
    }
    if (studyUid === undefined || seriesWord !== 'series' || segments.length < 3) return false;
    if (method !== 'GET') return answered(response, 405, { allow: 'GET' });

    const accept = request.headers.accept ?? '*/*';
    if (segments.length === 3) {
      if (!acceptsJson(accept)) return answered(response, 406);
      const style = await injectFaults(response);
      if (style === undefined) return true;
      pageOfJson(response, `${path}?${query}`, query, () => store.series(studyUid)?.map((one) => seriesObject(one, options.baseUrl())), style);
      return true;
    }
    if (seriesUid === undefined) return false;
    if (segments.length === 5 && (leaf === 'instances' || leaf === 'metadata')) {
      if (!acceptsJson(accept)) return answered(response, 406);
      const style = await injectFaults(response);
      if (style === undefined) return true;
      if (leaf === 'metadata') {
        const found = cachedJson(path, () => {
          const instances = store.instances(studyUid, seriesUid);
          return instances === undefined ? undefined : { objects: instances.map(instanceToDicomJson), truncated: false };
        });
        if (found === undefined) return answered(response, 404);
        return answered(response, 200, { 'content-type': DICOM_JSON }, found.body, style);
      }
      const build = () => store.instances(studyUid, seriesUid)?.map((one) => instanceObject(one, options.baseUrl()));
      pageOfJson(response, `${path}?${query}`, query, build, style);
      return true;
    }
    if (leaf !== 'instances' || sopUid === undefined) return false;

    if (segments.length === 6) {
      if (!/multipart\/related|application\/dicom|\*\/\*/i.test(accept)) return answered(response, 406);
      const style = await injectFaults(response, true);
      if (style === undefined) return true;
      const received = store.receivedInstance(studyUid, seriesUid, sopUid);
      const instance = store.instance(studyUid, seriesUid, sopUid);
      if (instance === undefined) return answered(response, 404);
      let content: Buffer[];
      if (received !== undefined) {
        content = part10Chunks(received);
      } else {
        const { head, pixelData } = encodePart10(instance);
        content = [head, pixelData];
      }
      const encoded = encodeMultipartRelated([{ contentType: 'application/dicom', content }], 'application/dicom');
      writeMultipart(response, declaredMultipartType(encoded.contentType, style), encoded.chunks, style);
      return true;
    }
    if (segments.length === 8 && instanceLeaf === 'frames' && frameList !== undefined) {
      if (!/multipart\/related|application\/octet-stream|\*\/\*/i.test(accept)) return answered(response, 406);
      const frames = parseFrameList(frameList);
      if (frames === undefined) return answered(response, 400, { 'content-type': 'text/plain' }, 'frame list must be numbers from 1, comma-separated');
      const style = await injectFaults(response, true);
      if (style === undefined) return true;
      const instance = store.instance(studyUid, seriesUid, sopUid);
      if (instance === undefined) return answered(response, 404);
      if (frames.some((frame) => frame > instance.numberOfFrames)) return answered(response, 404);
      const received = store.receivedInstance(studyUid, seriesUid, sopUid);
      let parts: MultipartPart[];
      let patternOnly = false;
      if (received !== undefined && received.dataset !== undefined) {
        const cut = frames.map((frame) => storedFrame(received, frame));
        if (cut.some((frame) => frame === undefined)) return answered(response, 404);
        parts = cut.map((frame) => ({ contentType: `application/octet-stream; transfer-syntax=${frame!.transferSyntaxUid}`, content: [frame!.bytes] }));
      } else {
        const pixels = pixelDataFor(instance.rows, instance.columns);
        const frameType = `application/octet-stream; transfer-syntax=${EXPLICIT_VR_LITTLE_ENDIAN}`;
        // Every frame of a synthetic instance is the same pattern (see pixelDataFor).
        parts = frames.map(() => ({ contentType: frameType, content: [pixels] }));
        patternOnly = true;
      }
      // The synthetic pattern cannot hold `--` (its high bytes are below 0x10): no need to scan it; received bytes are scanned.
      const encoded = encodeMultipartRelated(parts, 'application/octet-stream', undefined, !patternOnly);
      writeMultipart(response, declaredMultipartType(encoded.contentType, style), encoded.chunks, style);
      return true;
    }
    if (segments.length === 7 && instanceLeaf === 'rendered') {
      const image = renderedFor(accept);
      if (image === undefined) return answered(response, 406);
      const style = await injectFaults(response);
      if (style === undefined) return true;
      if (store.instance(studyUid, seriesUid, sopUid) === undefined) return answered(response, 404);
      return answered(response, 200, { 'content-type': image.type }, image.bytes, style);
    }
    return false;
  };

  /** A search of dicomweb-qido-search.ts, cached by path and query; 400 for a malformed query. */
  function search(
    response: ServerResponse,
    key: string,
    build: () => { objects: DicomJsonObject[]; truncated: boolean } | { error: string },
    style: HttpAnswerStyle,
  ): void {
    let error: string | undefined;
    const found = cachedJson(key, () => {
      const built = build();
      if ('error' in built) {
        error = built.error;
        return undefined;
      }
      return built;
    });
    if (found === undefined) return reply(response, 400, { 'content-type': 'text/plain' }, error ?? 'bad query');
    const headers: Record<string, string> = { 'content-type': DICOM_JSON };
    if (found.truncated) headers.warning = '299 pacs-load-simulator: There are additional results that can be requested';
    reply(response, 200, headers, found.body, style);
  }

  /** QIDO paging (PS3.18 8.3.4.4) of a cached full answer; a Warning says when `limit` cut it short. */
  function pageOfJson(response: ServerResponse, key: string, query: string, build: () => DicomJsonObject[] | undefined, style: HttpAnswerStyle): void {
    const params = new URLSearchParams(query);
    const limit = params.has('limit') ? Number(params.get('limit')) : undefined;
    const offset = params.has('offset') ? Number(params.get('offset')) : 0;
    if ((limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) || !(Number.isInteger(offset) && offset >= 0)) {
      return reply(response, 400, { 'content-type': 'text/plain' }, 'limit and offset must be non-negative integers');
    }
    const modality = params.get('Modality') ?? params.get('00080060') ?? '';
    const found = cachedJson(key, () => {
      let all = build();
      if (all === undefined) return undefined;
      if (modality !== '') all = all.filter((object) => object['00080060']?.Value?.[0] === modality);
      const end = limit === undefined ? all.length : offset + limit;
      return { objects: all.slice(offset, end), truncated: end < all.length };
    });
    if (found === undefined) return reply(response, 404);
    const { body, truncated } = found;
    const headers: Record<string, string> = { 'content-type': DICOM_JSON };
    if (truncated) headers.warning = '299 pacs-load-simulator: There are additional results that can be requested';
    reply(response, 200, headers, body, style);
  }

  /** STOW-RS (PS3.18 10.5): reads every part's head, stores what it can, answers 200, 202 or 409 (10.5.3). */
  async function stow(request: IncomingMessage, response: ServerResponse, studyUid: string | undefined): Promise<void> {
    const type = parseMediaType(request.headers['content-type']);
    const boundary = type?.parameters.get('boundary');
    // PS3.18 10.5.1.1: multipart/related with type application/dicom; anything else is 415.
    if (type?.essence !== 'multipart/related' || boundary === undefined || boundary === '' || boundary.length > 70) {
      request.resume();
      await finished(request);
      return reply(response, 415, { 'content-type': 'text/plain' }, 'expected multipart/related; type="application/dicom"');
    }
    // Each part is kept whole up to the store's cap (a larger one cannot be stored: its head is enough to name it in the answer).
    const keepLimit = store.shared.maxBytes;
    const heads: Buffer[][] = [];
    const headBytes: number[] = [];
    const partBytes: number[] = [];
    const partTypes: string[] = [];
    const parser = new MultipartParser(boundary, {
      onPartStart(index, headers) {
        heads[index] = [];
        headBytes[index] = 0;
        partBytes[index] = 0;
        partTypes[index] = headers.get('content-type') ?? type.parameters.get('type') ?? '';
      },
      onPartData(index, data) {
        const before = partBytes[index]!;
        partBytes[index] = before + data.length;
        if (before <= keepLimit && partBytes[index]! > keepLimit) {
          // Too large to keep: fall back to its head (copied, so the kept chunks can go).
          const head = firstBytes([...heads[index]!, data], STOW_HEAD_BYTES);
          heads[index] = [head];
          headBytes[index] = head.length;
          return;
        }
        const limit = partBytes[index]! > keepLimit ? STOW_HEAD_BYTES : keepLimit;
        const kept = headBytes[index]!;
        if (kept >= limit) return;
        const slice = data.subarray(0, limit - kept);
        // Copied: the chunk belongs to the socket's buffer.
        heads[index]!.push(Buffer.from(slice));
        headBytes[index] = kept + slice.length;
      },
    });
    for await (const chunk of request as AsyncIterable<Buffer>) parser.push(chunk);
    const parsed = parser.finish();
    if (!parsed.complete) return reply(response, 400, { 'content-type': 'text/plain' }, `malformed multipart body: ${parsed.reason}`);
    if (parsed.parts === 0) return reply(response, 400, { 'content-type': 'text/plain' }, 'no instances in the request');
    const style = await injectFaults(response);
    if (style === undefined) return;

    const referenced: DicomJsonObject[] = [];
    const failed: DicomJsonObject[] = [];
    for (let index = 0; index < parsed.parts; index++) {
      const bytes = Buffer.concat(heads[index] ?? []);
      heads[index] = [];
      const reading = /^application\/dicom\b/i.test(partTypes[index] ?? '') ? readPart10(bytes) : ({ ok: false, reason: 'not application/dicom' } as const);
      if (!reading.ok) {
        failed.push(failedItem(undefined, FAILURE_CANNOT_UNDERSTAND));
        continue;
      }
      const instance = reading.attributes;
      const whole = partBytes[index]! <= keepLimit;
      const dataset = bytes.subarray(reading.datasetOffset);
      // PS3.18 10.5.1: with /studies/{S}, instances of another study are refused.
      const result =
        studyUid !== undefined && instance.studyInstanceUid !== studyUid
          ? { ok: false as const, failureReason: STUDY_MISMATCH }
          : !whole
            ? { ok: false as const, failureReason: FAILURE_OUT_OF_RESOURCES }
            : store.storeReceived({
                attributes: instance,
                dataset,
                transferSyntaxUid: reading.transferSyntaxUid,
                pixelData:
                  reading.pixelData === undefined ? undefined : { offset: reading.pixelData.offset - reading.datasetOffset, length: reading.pixelData.length },
                receivedBytes: dataset.length,
                costBytes: InstanceStore.costOf(dataset.length),
              });
      if (result.ok) referenced.push(referencedItem(instance, options.baseUrl()));
      else failed.push(failedItem(instance, result.failureReason));
    }
    if (referenced.length > 0) options.onStored();
    const answer: DicomJsonObject = {};
    if (failed.length > 0) answer['00081198'] = { vr: 'SQ', Value: failed as never[] };
    if (referenced.length > 0) answer['00081199'] = { vr: 'SQ', Value: referenced as never[] };
    const status = failed.length === 0 ? 200 : referenced.length === 0 ? 409 : 202;
    reply(response, status, { 'content-type': DICOM_JSON }, JSON.stringify(answer), style);
  }
}

/** Failure reason when an instance does not belong to the study of the request URL (PS3.18 Table 10.5.3-2, 0xA900 class). */
const STUDY_MISMATCH = 0xa900;

function referencedItem(instance: SyntheticInstance, baseUrl: string): DicomJsonObject {
  return {
    '00081150': { vr: 'UI', Value: [instance.sopClassUid] },
    '00081155': { vr: 'UI', Value: [instance.sopInstanceUid] },
    '00081190': {
      vr: 'UR',
      Value: [`${baseUrl}/studies/${instance.studyInstanceUid}/series/${instance.seriesInstanceUid}/instances/${instance.sopInstanceUid}`],
    },
  };
}

function failedItem(instance: SyntheticInstance | undefined, reason: number): DicomJsonObject {
  const item: DicomJsonObject = { '00081197': { vr: 'US', Value: [reason] } };
  if (instance !== undefined) {
    item['00081150'] = { vr: 'UI', Value: [instance.sopClassUid] };
    item['00081155'] = { vr: 'UI', Value: [instance.sopInstanceUid] };
  }
  return item;
}

function acceptsJson(accept: string): boolean {
  return /json|\*\/\*|application\/\*/i.test(accept);
}

/** PS3.18 10.4.1.1.3 rendered media types: JPEG unless PNG is asked for and JPEG is not. */
function renderedFor(accept: string): { type: string; bytes: Buffer } | undefined {
  if (/image\/png/i.test(accept) && !/image\/jpeg/i.test(accept)) return { type: 'image/png', bytes: RENDERED_PNG };
  if (/image\/jpeg|image\/\*|\*\/\*/i.test(accept)) return { type: 'image/jpeg', bytes: RENDERED_JPEG };
  return undefined;
}

/** `1,2,5` (PS3.18 10.4.1.1.1: frame numbers from 1); undefined when malformed. */
function parseFrameList(text: string): number[] | undefined {
  const frames = text.split(',').map((part) => (/^\d{1,6}$/.test(part.trim()) ? Number(part.trim()) : 0));
  return frames.length === 0 || frames.some((frame) => frame < 1) ? undefined : frames;
}

function writeMultipart(response: ServerResponse, contentType: string, chunks: readonly Buffer[], style: HttpAnswerStyle): void {
  // sendAnswer never rejects; a dripped body goes on after the handler returns.
  void sendAnswer(response, 200, { 'content-type': contentType }, chunks, style);
}

function finished(request: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (request.readableEnded) resolve();
    else request.once('end', resolve).once('close', resolve);
  });
}

/** `reply`, then true: the request was answered here. */
function answered(
  response: ServerResponse,
  status: number,
  headers?: Readonly<Record<string, string>>,
  body?: Buffer | string,
  style: HttpAnswerStyle = PLAIN_ANSWER,
): true {
  reply(response, status, headers, body, style);
  return true;
}

function reply(
  response: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>> = {},
  body: Buffer | string = '',
  style: HttpAnswerStyle = PLAIN_ANSWER,
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  // sendAnswer never rejects; a dripped body goes on after the handler returns.
  void sendAnswer(response, status, headers, [bytes], style);
}
