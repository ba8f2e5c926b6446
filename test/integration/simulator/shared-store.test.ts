/**
 * The simulator's one store, seen from both sides (src/simulator/instance-store.ts):
 * what arrives by C-STORE is found by QIDO-RS and served by WADO-RS, bytes as
 * sent; what arrives by STOW-RS is found by C-FIND and retrieved by C-MOVE and
 * C-GET; the size cap behaves as documented; root-level QIDO. All on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildStoreTemplate, createDimseStore } from '../../../src/operations/dimse-store.js';
import type { AcknowledgedInstance, Operation, OperationResult, OperationSetup } from '../../../src/operations/types.js';
import type { DimseTarget, OperationParams, SimulatorSettings } from '../../../src/profile/types.js';
import { runAssociation } from '../../../src/protocol/dimse/association.js';
import type { DcmjsRequest } from '../../../src/protocol/dimse/dcmjs.js';
import { createStudyGetRequest, createStudyMoveRequest, createStudyRootFindRequest } from '../../../src/protocol/dimse/qr-requests.js';
import { isPendingStatus } from '../../../src/protocol/dimse/status.js';
import { encodeMultipartRelated } from '../../../src/protocol/dicomweb/multipart-encoder.js';
import { parseMediaType } from '../../../src/protocol/dicomweb/multipart-media-type.js';
import { MultipartParser } from '../../../src/protocol/dicomweb/multipart-parser.js';
import { startDimseSimulator, type RunningDimseSimulator } from '../../../src/simulator/dimse-scp.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.js';
import { InstanceStore } from '../../../src/simulator/instance-store.js';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../../src/synth/dicom-elements.js';
import { instanceValues, storeStudyIdentity, type StudyIdentity } from '../../../src/synth/store-study.js';
import { buildStudyTemplate, instanceFileChunks } from '../../../src/synth/study-template.js';
import { fixedSend } from '../../../src/synth/identity.js';

const SEED = 21;

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
});

function settings(overrides: Partial<SimulatorSettings> = {}): SimulatorSettings {
  return { stations: 1, stepsPerStation: 0, studies: 3, faults: { ...NO_FAULTS }, ...overrides };
}

async function simulator(overrides: Partial<SimulatorSettings> = {}, moveDestinations?: Map<string, { host: string; port: number }>): Promise<RunningSimulator> {
  const sim = await startSimulator({ settings: settings(overrides), seed: SEED, ...(moveDestinations === undefined ? {} : { moveDestinations }) });
  running.push(sim);
  return sim;
}

function setup(sim: RunningSimulator, params: Partial<OperationParams>): OperationSetup {
  return {
    target: sim.target,
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined, ...params },
    workerIndex: 0,
    workerCount: 1,
    seed: SEED,
    env: {},
  };
}

/** dimse.store of study `iteration`: `images` CT images of 2 KiB, through the project's own operation. */
async function cStoreStudy(sim: RunningSimulator, iteration: number, images: number): Promise<OperationResult> {
  const operation: Operation = createDimseStore(setup(sim, { images, imageSizeBytes: 2048 }));
  try {
    return await operation.run({ iteration, signal: new AbortController().signal });
  } finally {
    await operation.close();
  }
}

async function getJson(url: string): Promise<{ status: number; body: Array<Record<string, { Value?: unknown[] }>>; warning: string | null }> {
  const response = await fetch(url, { headers: { accept: 'application/dicom+json' } });
  const text = await response.text();
  const body = response.status === 200 && text !== '' ? (JSON.parse(text) as Array<Record<string, { Value?: unknown[] }>>) : [];
  return { status: response.status, body, warning: response.headers.get('warning') };
}

/** A multipart/related answer's parts (PS3.18 8.7.3), parsed with the project's parser. */
async function getParts(url: string, accept: string): Promise<{ status: number; parts: Buffer[]; types: string[] }> {
  const response = await fetch(url, { headers: { accept } });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) return { status: response.status, parts: [], types: [] };
  const boundary = parseMediaType(response.headers.get('content-type') ?? '')?.parameters.get('boundary') ?? '';
  const parts: Buffer[][] = [];
  const types: string[] = [];
  const parser = new MultipartParser(boundary, {
    onPartStart(index, headers) {
      parts[index] = [];
      types[index] = headers.get('content-type') ?? '';
    },
    onPartData(index, data) {
      parts[index]!.push(Buffer.from(data));
    },
  });
  parser.push(body);
  expect(parser.finish().complete).toBe(true);
  return { status: 200, parts: parts.map((chunks) => Buffer.concat(chunks)), types };
}

/** The data set bytes of one image `cStoreStudy` sends (header and 2 KiB of pixels). */
function storedImageBytes(): number {
  const template = buildStudyTemplate({ modality: 'CT', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images: 3, imageSizeBytes: 2048, seed: SEED });
  return Buffer.concat(template.instanceChunks(instanceValues(storeStudyIdentity(fixedSend(SEED, 'dimse.store', 0), new Date()), 0, 3, 1))).length;
}

const first = (object: Record<string, { Value?: unknown[] }> | undefined, tag: string): unknown => object?.[tag]?.Value?.[0];

/** A CT study of `images` Part-10 files (pacs-load's own template), for STOW-RS. */
function part10Study(iteration: number, images: number): { study: StudyIdentity; files: Buffer[]; datasets: Buffer[]; sopUids: string[] } {
  const template = buildStudyTemplate({ modality: 'CT', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, images, imageSizeBytes: 2048, seed: 5 });
  const study = storeStudyIdentity(fixedSend(SEED + 100, 'dimse.store', iteration), new Date());
  const files: Buffer[] = [];
  const datasets: Buffer[] = [];
  const sopUids: string[] = [];
  for (let index = 0; index < images; index++) {
    const values = instanceValues(study, index, images, template.shape.series);
    files.push(Buffer.concat(instanceFileChunks(template, values)));
    datasets.push(Buffer.concat(template.instanceChunks(values)));
    sopUids.push(values.sopInstanceUid);
  }
  return { study, files, datasets, sopUids };
}

async function stow(sim: RunningSimulator, files: readonly Buffer[]): Promise<{ status: number; body: Record<string, { Value?: unknown[] }> }> {
  const encoded = encodeMultipartRelated(
    files.map((file) => ({ contentType: 'application/dicom', content: [file] })),
    'application/dicom',
  );
  const response = await fetch(`${sim.dicomweb.baseUrl}/studies`, {
    method: 'POST',
    headers: { 'content-type': encoded.contentType, accept: 'application/dicom+json' },
    body: Buffer.concat(encoded.chunks),
  });
  return { status: response.status, body: (await response.json()) as Record<string, { Value?: unknown[] }> };
}

/** The instances a dimse.store result says were stored (OperationResult.acknowledged). */
function acknowledged(result: OperationResult): AcknowledgedInstance[] {
  return result.acknowledged ?? [];
}

function dimse(sim: RunningSimulator): DimseTarget {
  return sim.target.dimse!;
}

async function cFind(sim: RunningSimulator, identifier: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const found = await runAssociation({ ...dimse(sim), requests: [createStudyRootFindRequest(identifier)] });
  expect(found.outcome).toEqual({ kind: 'ok' });
  return found.responses.filter((response) => isPendingStatus(response.status)).map((response) => response.dataset?.getElements() ?? {});
}

describe('one store: C-STORE in, DICOMweb out', () => {
  it('QIDO-RS finds a C-STOREd study, WADO-RS returns its metadata, instances and the sent pixel bytes as frames', async () => {
    const sim = await simulator();
    const sent = await cStoreStudy(sim, 0, 3);
    expect(sent.outcome).toEqual({ kind: 'ok' });
    const [{ studyUid, seriesUid } = { studyUid: '', seriesUid: '' }] = acknowledged(sent);
    const base = sim.dicomweb.baseUrl;

    const studies = await getJson(`${base}/studies?StudyInstanceUID=${studyUid}`);
    expect(studies.body).toHaveLength(1);
    expect(first(studies.body[0], '00201208')).toBe(3);
    expect(String(first(studies.body[0], '00100020'))).toMatch(/^PLSYN-/);
    expect(first(studies.body[0], '00080061')).toBe('CT');

    const series = await getJson(`${base}/studies/${studyUid}/series`);
    expect(series.body.map((object) => first(object, '0020000E'))).toContain(seriesUid);
    const instances = await getJson(`${base}/studies/${studyUid}/series/${seriesUid}/instances`);
    const sopUids = (acknowledged(sent)).filter((one) => one.seriesUid === seriesUid).map((one) => one.sopInstanceUid);
    expect(instances.body.map((object) => first(object, '00080018')).sort()).toEqual([...sopUids].sort());
    const metadata = await getJson(`${base}/studies/${studyUid}/series/${seriesUid}/metadata`);
    expect(metadata.body).toHaveLength(sopUids.length);

    const template = buildStoreTemplate(setup(sim, { images: 3, imageSizeBytes: 2048 }), 'CT');
    const pixels = template.instanceChunks(instanceValues(storeStudyIdentity(fixedSend(SEED, 'dimse.store', 0), new Date()), 0, 3, template.shape.series))[2]!;
    const frames = await getParts(`${base}/studies/${studyUid}/series/${seriesUid}/instances/${sopUids[0]}/frames/1`, 'multipart/related; type="application/octet-stream"; transfer-syntax=*');
    expect(frames.status).toBe(200);
    expect(frames.parts).toHaveLength(1);
    expect(frames.parts[0]!.equals(pixels)).toBe(true);

    const instance = await getParts(`${base}/studies/${studyUid}/series/${seriesUid}/instances/${sopUids[0]}`, 'multipart/related; type="application/dicom"; transfer-syntax=*');
    expect(instance.types[0]).toMatch(/^application\/dicom/);
    const file = instance.parts[0]!;
    expect(file.toString('latin1', 128, 132)).toBe('DICM');
    // The data set as it arrived: the pixel data ends the file.
    expect(file.subarray(file.length - pixels.length).equals(pixels)).toBe(true);
  });

  it('answers QIDO-RS at the root (PS3.18 10.6.1): /series and /instances over every study, paged', async () => {
    const sim = await simulator({ studies: 2 });
    const sent = await cStoreStudy(sim, 1, 4);
    expect(sent.outcome).toEqual({ kind: 'ok' });
    const studyUid = acknowledged(sent)[0]!.studyUid;
    const base = sim.dicomweb.baseUrl;

    const allSeries = await getJson(`${base}/series`);
    expect(allSeries.status).toBe(200);
    const studiesOfSeries = new Set(allSeries.body.map((object) => first(object, '0020000D')));
    // The seeded studies and the received one.
    expect(studiesOfSeries.size).toBe(3);
    expect(studiesOfSeries).toContain(studyUid);

    const ofStudy = await getJson(`${base}/instances?StudyInstanceUID=${studyUid}`);
    expect(ofStudy.body.map((object) => first(object, '00080018')).sort()).toEqual(acknowledged(sent).map((one) => one.sopInstanceUid).sort());
    const patientId = String(first((await getJson(`${base}/studies?StudyInstanceUID=${studyUid}`)).body[0], '00100020'));
    const byPatient = await getJson(`${base}/series?PatientID=${patientId}&Modality=CT`);
    expect(new Set(byPatient.body.map((object) => first(object, '0020000D')))).toEqual(new Set([studyUid]));

    const page = await getJson(`${base}/instances?StudyInstanceUID=${studyUid}&limit=2&offset=1`);
    expect(page.body).toHaveLength(2);
    expect(page.warning).toMatch(/^299 /);
    expect((await getJson(`${base}/instances?limit=x`)).status).toBe(400);
    expect((await getJson(`${base}/studies/${studyUid}/instances`)).body).toHaveLength(4);
  });
});

describe('one store: STOW-RS in, DIMSE out', () => {
  it('C-FIND finds a STOWed study at study, series and image level; C-MOVE delivers exactly its instances, bytes as stored; C-GET returns them', async () => {
    const destinationStore = new InstanceStore();
    const destination: RunningDimseSimulator = await startDimseSimulator({ worklist: [], faults: new FaultInjector({ ...NO_FAULTS }), aeTitle: 'DEST', store: destinationStore });
    running.push(destination);
    const sim = await simulator({}, new Map([['DEST', { host: destination.host, port: destination.port }]]));
    const { study, files, datasets, sopUids } = part10Study(0, 3);
    const stored = await stow(sim, files);
    expect(stored.status).toBe(200);

    const studies = await cFind(sim, { QueryRetrieveLevel: 'STUDY', PatientID: study.patientId, StudyInstanceUID: '', NumberOfStudyRelatedInstances: '' });
    expect(studies.map((answer) => answer.StudyInstanceUID)).toEqual([study.studyInstanceUid]);
    expect(Number(studies[0]!.NumberOfStudyRelatedInstances)).toBe(3);
    const series = await cFind(sim, { QueryRetrieveLevel: 'SERIES', StudyInstanceUID: study.studyInstanceUid, SeriesInstanceUID: '', Modality: '' });
    expect(series.length).toBeGreaterThanOrEqual(1);
    expect(series.every((answer) => answer.Modality === 'CT')).toBe(true);
    const images = await cFind(sim, { QueryRetrieveLevel: 'IMAGE', StudyInstanceUID: study.studyInstanceUid, SeriesInstanceUID: '', SOPInstanceUID: '' });
    expect(images.map((answer) => answer.SOPInstanceUID).sort()).toEqual([...sopUids].sort());

    const moved = await runAssociation({ ...dimse(sim), requests: [createStudyMoveRequest('DEST', study.studyInstanceUid)] });
    expect(moved.outcome).toEqual({ kind: 'ok' });
    const arrived = destinationStore.study(study.studyInstanceUid);
    expect(arrived?.instanceCount).toBe(3);
    for (const [index, sopUid] of sopUids.entries()) {
      const instance = [...arrived!.series.values()].map((one) => one.instances.get(sopUid)).find((one) => one !== undefined);
      expect(instance?.dataset?.equals(datasets[index]!)).toBe(true);
    }
    expect(destinationStore.stats().instances).toBe(3);

    const got: string[] = [];
    const retrieved = await runAssociation({
      ...dimse(sim),
      requests: [createStudyGetRequest(study.studyInstanceUid)],
      onStoreRequest: (request: DcmjsRequest) => {
        got.push(String((request as unknown as { getAffectedSopInstanceUid(): string }).getAffectedSopInstanceUid()));
        return 0x0000;
      },
    });
    expect(retrieved.outcome).toEqual({ kind: 'ok' });
    expect(got.sort()).toEqual([...sopUids].sort());
    expect(retrieved.bytesReceived).toBeGreaterThan(3 * 2048);

    // A requestor that accepts only Implicit VR gets them transcoded (they were stored in Explicit VR).
    const implicit = await runAssociation({
      ...dimse(sim),
      transferSyntaxUids: ['1.2.840.10008.1.2'],
      requests: [createStudyGetRequest(study.studyInstanceUid)],
      onStoreRequest: () => 0x0000,
    });
    expect(implicit.outcome).toEqual({ kind: 'ok' });
    expect(implicit.bytesReceived).toBeGreaterThan(3 * 2048);
    expect(sim.store.stats().instances).toBe(3);
  });
});

describe('the store cap', () => {
  it('refuse: a full store answers C-STORE with A700 and STOW-RS with failure reason A700 (409), and keeps what it had', async () => {
    // Room for four of the images dimse.store sends.
    const sim = await simulator({ storeMaxBytes: 4 * InstanceStore.costOf(storedImageBytes()), storeWhenFull: 'refuse' });
    expect((await cStoreStudy(sim, 0, 3)).outcome).toEqual({ kind: 'ok' });
    const refused = await cStoreStudy(sim, 1, 3);
    expect(refused.outcome).toEqual({ kind: 'dimse-failure', status: 0xa700, reason: 'simulator store full' });
    const { files } = part10Study(1, 2);
    const answer = await stow(sim, files);
    expect(answer.status).toBe(409);
    const failed = (answer.body['00081198']?.Value ?? []) as Array<Record<string, { Value?: unknown[] }>>;
    expect(failed.map((item) => first(item, '00081197'))).toEqual([0xa700, 0xa700]);
    const stats = sim.storeStats();
    expect(stats.instances).toBe(4);
    expect(stats.refusedInstances).toBeGreaterThanOrEqual(3);
    expect(stats.costBytes).toBeLessThanOrEqual(stats.maxBytes);
  });

  it('refuses an instance larger than the whole cap under evict-oldest too (A700, and A700 in a 409)', async () => {
    const sim = await simulator({ storeMaxBytes: storedImageBytes() - 1 });
    expect((await cStoreStudy(sim, 0, 2)).outcome).toEqual({ kind: 'dimse-failure', status: 0xa700, reason: 'instance larger than the simulator store' });
    const answer = await stow(sim, part10Study(0, 1).files);
    expect(answer.status).toBe(409);
    expect(first((answer.body['00081198']?.Value as Array<Record<string, { Value?: unknown[] }>>)[0], '00081197')).toBe(0xa700);
    expect(sim.storeStats()).toMatchObject({ instances: 0, evictedStudies: 0 });
  });

  it('evict-oldest (the default): the least recently stored studies make room; both sides forget them', async () => {
    const sim = await simulator({ storeMaxBytes: 5 * InstanceStore.costOf(storedImageBytes()) });
    const sends: string[] = [];
    for (let iteration = 0; iteration < 3; iteration++) {
      const sent = await cStoreStudy(sim, iteration, 2);
      expect(sent.outcome).toEqual({ kind: 'ok' });
      sends.push(acknowledged(sent)[0]!.studyUid);
    }
    const stats = sim.storeStats();
    expect(stats).toMatchObject({ studies: 2, instances: 4, evictedStudies: 1, evictedInstances: 2, refusedInstances: 0 });
    const base = sim.dicomweb.baseUrl;
    expect((await getJson(`${base}/studies?StudyInstanceUID=${sends[0]}`)).body).toHaveLength(0);
    expect((await getJson(`${base}/studies?StudyInstanceUID=${sends[2]}`)).body).toHaveLength(1);
    expect(await cFind(sim, { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: sends[0] })).toHaveLength(0);
    expect(await cFind(sim, { QueryRetrieveLevel: 'STUDY', StudyInstanceUID: sends[1] })).toHaveLength(1);
  });
});
