/**
 * stow.study against the embedded simulator on 127.0.0.1 (port 0): 200 with
 * every instance referenced, 202 when some fail, 409 when all fail (PS3.18
 * 10.5.3), 415 for a wrong content type; and what STOW stored is found by QIDO
 * and returned by WADO-RS, frame bytes equal to what was sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeKey, type OperationName } from '../../../src/metrics/names.js';
import { createOperation } from '../../../src/operations/index.js';
import { checkStowAnswer } from '../../../src/operations/stow-study.js';
import type { Operation, OperationSetup } from '../../../src/operations/types.js';
import { createDicomwebClient, type HttpExchange } from '../../../src/protocol/dicomweb/client.js';
import { encodeMultipartRelated } from '../../../src/protocol/dicomweb/multipart-encoder.js';
import { parseMediaType } from '../../../src/protocol/dicomweb/multipart-media-type.js';
import { MultipartParser } from '../../../src/protocol/dicomweb/multipart-parser.js';
import { startDicomwebSimulator, type RunningDicomwebSimulator } from '../../../src/simulator/dicomweb-server.js';
import { DicomwebStore } from '../../../src/simulator/dicomweb-store.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { buildStowStudy, encodePart10, pixelDataFor } from '../../../src/synth/dicomweb-instances.js';
import { fixedAllocator, fixedSend } from '../../../src/synth/identity.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A simulator without seeded studies: all it holds is what STOW sends. */
async function simulator(maxStoredInstances?: number): Promise<{ sim: RunningDicomwebSimulator; store: DicomwebStore }> {
  const store = new DicomwebStore([], maxStoredInstances);
  const sim = await startDicomwebSimulator({ studies: [], store, faults: new FaultInjector({ ...NO_FAULTS }) });
  cleanups.push(() => sim.close());
  return { sim, store };
}

function setup(baseUrl: string, params: Partial<OperationSetup['params']> = {}): OperationSetup {
  return {
    target: { dimse: undefined, dicomweb: { baseUrl, connections: 2, operationTimeoutUs: 10_000_000, auth: undefined } },
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined, ...params },
    workerIndex: 0,
    workerCount: 1,
    seed: 9,
    // Fixed identities, so the test can name what stow.study sent (fixedSend).
    identities: fixedAllocator(9),
    env: {},
  };
}

function operation(name: OperationName, operationSetup: OperationSetup): Operation {
  const created = createOperation(name, operationSetup);
  cleanups.push(() => created.close());
  return created;
}

const context = (iteration: number) => ({ iteration, signal: new AbortController().signal });

/** 64 x 64 x 16 bits: small images keep the test fast. */
const SMALL_IMAGE_BYTES = 64 * 64 * 2;

describe('stow.study against the simulator', () => {
  it('stores a whole study in one request (200), counting the bytes sent', async () => {
    const { sim, store } = await simulator();
    const stow = operation('stow.study', setup(sim.baseUrl, { images: 4, imageSizeBytes: SMALL_IMAGE_BYTES }));
    const before = sim.requestsServed;
    const result = await stow.run(context(0));
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(store.storedInstances).toBe(4);
    expect(sim.requestsServed - before).toBe(1);
    // Four Part-10 files of 8 KiB of pixels each, plus headers and framing.
    expect(result.bytesSent).toBeGreaterThan(4 * SMALL_IMAGE_BYTES);
    expect(result.bytesSent).toBeLessThan(4 * (SMALL_IMAGE_BYTES + 2_000));
    expect(result.bytesReceived).toBeGreaterThan(100);
    // Every run is a new study.
    expect((await stow.run(context(1))).outcome).toEqual({ kind: 'ok' });
    expect(store.storedInstances).toBe(8);
  });

  it('splits a study into imagesPerRequest requests', async () => {
    const { sim, store } = await simulator();
    const stow = operation('stow.study', setup(sim.baseUrl, { images: 5, imagesPerRequest: 2, imageSizeBytes: SMALL_IMAGE_BYTES }));
    const before = sim.requestsServed;
    expect((await stow.run(context(0))).outcome).toEqual({ kind: 'ok' });
    expect(sim.requestsServed - before).toBe(3);
    expect(store.storedInstances).toBe(5);
  });

  it('classifies 202 (some failed) as http_202 and 409 (all failed) as http_409', async () => {
    const { sim } = await simulator(3);
    const stow = operation('stow.study', setup(sim.baseUrl, { images: 2, imageSizeBytes: SMALL_IMAGE_BYTES }));
    expect((await stow.run(context(0))).outcome).toEqual({ kind: 'ok' });
    // One place left in the store: one stored, one failed (A700, out of resources).
    const partial = await stow.run(context(1));
    // What the Store Instances Response says: how many failed, and the Failure Reason (issue 14, item 4).
    expect(partial.outcome).toEqual({ kind: 'http-status', status: 202, reason: '202 Accepted: 1 of 2 instances failed (FailureReason a700)' });
    expect(outcomeKey(partial.outcome)).toBe('http_202');
    const conflict = await stow.run(context(2));
    expect(conflict.outcome).toEqual({ kind: 'http-status', status: 409, reason: '409 Conflict: 2 of 2 instances failed (FailureReason a700)' });
    expect(outcomeKey(conflict.outcome)).toBe('http_409');
  });

  it('answers 415 to a body that is not multipart/related, and 202 for an unreadable part next to a good one', async () => {
    const { sim } = await simulator();
    const client = createDicomwebClient({ baseUrl: sim.baseUrl, connections: 1, timeoutUs: 5_000_000 });
    cleanups.push(() => client.close());
    const wrongType = await client.post('/studies', {
      accept: 'application/dicom+json',
      contentType: 'application/dicom',
      body: [Buffer.from('not multipart')],
      bodyBytes: 13,
    });
    // The status text and the start of the server's text body.
    expect(wrongType.outcome).toEqual({ kind: 'http-status', status: 415, reason: '415 Unsupported Media Type: expected multipart/related; type="application/dicom"' });

    const [instance] = buildStowStudy({ send: fixedSend(1, 'stow.study', 0), instances: 1, modality: 'CT', rows: 8, columns: 8, studyDate: '20250101' });
    const { head, pixelData } = encodePart10(instance!);
    const encoded = encodeMultipartRelated(
      [
        { contentType: 'application/dicom', content: [head, pixelData] },
        { contentType: 'application/dicom', content: [Buffer.from('garbage, not a DICOM file')] },
      ],
      'application/dicom',
    );
    const mixed = await client.post('/studies', {
      accept: 'application/dicom+json',
      contentType: encoded.contentType,
      body: encoded.chunks,
      bodyBytes: encoded.byteLength,
    });
    expect(mixed.status).toBe(202);
    expect(checkStowAnswer(mixed, 2)).toEqual({ kind: 'http-status', status: 202, reason: '202 Accepted: 1 of 2 instances failed (FailureReason c000)' });
    const answer = JSON.parse(mixed.body.toString('utf8')) as Record<string, { Value: Array<Record<string, { Value: unknown[] }>> }>;
    expect(answer['00081199']!.Value).toHaveLength(1);
    expect(answer['00081198']!.Value[0]!['00081197']!.Value).toEqual([0xc000]);
  });

  it('makes what it stored searchable and retrievable: QIDO, metadata, instance, frames with the bytes sent', async () => {
    const { sim } = await simulator();
    const stowSetup = setup(sim.baseUrl, { images: 3, imageSizeBytes: SMALL_IMAGE_BYTES });
    expect((await operation('stow.study', stowSetup).run(context(0))).outcome).toEqual({ kind: 'ok' });
    for (const name of ['qido.studies', 'qido.series', 'qido.instances', 'wado.metadata', 'wado.instance', 'wado.frames', 'wado.rendered'] as const) {
      const result = await operation(name, setup(sim.baseUrl)).run(context(0));
      expect(result.outcome, name).toEqual({ kind: 'ok' });
    }

    // The frame WADO-RS returns is, byte for byte, the pixel data STOW sent.
    const [sent] = buildStowStudy({ send: fixedSend(9, 'stow.study', 0), instances: 3, modality: 'CT', rows: 64, columns: 64, studyDate: '20250101' });
    const client = createDicomwebClient({ baseUrl: sim.baseUrl, connections: 1, timeoutUs: 5_000_000 });
    cleanups.push(() => client.close());
    const exchange = await client.get(
      `/studies/${sent!.studyInstanceUid}/series/${sent!.seriesInstanceUid}/instances/${sent!.sopInstanceUid}/frames/1`,
      { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' },
    );
    expect(exchange.status).toBe(200);
    expect(onlyPart(exchange).equals(pixelDataFor(64, 64))).toBe(true);
  });
});

describe('checkStowAnswer', () => {
  const answer = (status: number, body: unknown): HttpExchange => ({
    outcome: status >= 200 && status < 300 ? { kind: 'ok' } : { kind: 'http-status', status },
    status,
    headers: { 'content-type': 'application/dicom+json' },
    body: Buffer.from(JSON.stringify(body)),
    ttfbUs: 1,
    bytesSent: 1,
    bytesReceived: 1,
  });
  const items = (count: number) => ({ vr: 'SQ', Value: Array.from({ length: count }, () => ({})) });

  it('is ok for 200 with every instance referenced', () => {
    expect(checkStowAnswer(answer(200, { '00081199': items(3) }), 3)).toEqual({ kind: 'ok' });
  });

  it('fails the check for 200 with fewer references or failures, and 202 without failures', () => {
    expect(checkStowAnswer(answer(200, { '00081199': items(2) }), 3)).toMatchObject({ kind: 'check-failed' });
    expect(checkStowAnswer(answer(200, { '00081199': items(2), '00081198': items(1) }), 3)).toMatchObject({ kind: 'check-failed' });
    expect(checkStowAnswer(answer(202, { '00081199': items(3) }), 3)).toEqual({ kind: 'check-failed', reason: 'STOW 202 without FailedSOPSequence' });
    expect(checkStowAnswer({ ...answer(200, {}), body: Buffer.from('<html/>') }, 3)).toMatchObject({ kind: 'check-failed' });
  });

  it('passes 4xx/5xx through', () => {
    expect(checkStowAnswer(answer(409, { '00081198': items(3) }), 3)).toEqual({ kind: 'http-status', status: 409, reason: '409 Conflict: 3 of 3 instances failed' });
    expect(checkStowAnswer(answer(503, {}), 3)).toEqual({ kind: 'http-status', status: 503 });
  });
});

/** The body of the only part of a multipart answer. */
function onlyPart(exchange: HttpExchange): Buffer {
  const boundary = parseMediaType(String(exchange.headers['content-type']))?.parameters.get('boundary') ?? '';
  const pieces: Buffer[] = [];
  const parser = new MultipartParser(boundary, { onPartData: (_index, data) => pieces.push(Buffer.from(data)) });
  parser.push(exchange.body);
  expect(parser.finish()).toMatchObject({ complete: true, parts: 1 });
  return Buffer.concat(pieces);
}
