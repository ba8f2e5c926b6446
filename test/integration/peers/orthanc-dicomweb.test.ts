/**
 * Against a real Orthanc with its DICOMweb plugin (issue 4, "Tests that must
 * exist"): stow.study sends a small study, then QIDO-RS finds it at every
 * level, WADO-RS metadata lists its instances, and a frame fetched back holds
 * exactly the pixel bytes that were sent; a STOW with a wrong content type is
 * classified as HTTP 415; viewer.open opens the study with one frame request
 * per instance (counted by a small proxy in front of Orthanc); with
 * authentication on, runs without credentials
 * are classified as HTTP 401 (http_401) and the run carries on, and basic
 * auth from an environment variable gets through.
 *
 * Skipped only when Orthanc or its DICOMweb plugin is not installed
 * (scripts/install-peers.sh installs orthanc and orthanc-dicomweb).
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasOrthancDicomweb, startOrthanc } from '../../helpers/orthanc.js';
import type { RunningOrthanc } from '../../helpers/orthanc.js';
import { WORKER_PATH } from '../../helpers/cli.js';
import { runLoad } from '../../../src/coordinator/run-load.js';
import type { OperationName } from '../../../src/metrics/names.js';
import { createOperation } from '../../../src/operations/index.js';
import { DicomwebCatalog } from '../../../src/operations/dicomweb-catalog.js';
import { matrixForSize } from '../../../src/operations/stow-study.js';
import type { OperationResult, OperationSetup } from '../../../src/operations/types.js';
import { parseProfileText } from '../../../src/profile/load.js';
import type { DicomwebAuth, OperationParams } from '../../../src/profile/types.js';
import { createDicomwebClient } from '../../../src/protocol/dicomweb/client.js';
import { parseMediaType } from '../../../src/protocol/dicomweb/multipart-media-type.js';
import { MultipartParser } from '../../../src/protocol/dicomweb/multipart-parser.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { buildStowStudy, pixelDataFor } from '../../../src/synth/dicomweb-instances.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { fixedAllocator, fixedSend } from '../../../src/synth/identity.js';

/** Small images: the test is about the protocol and the bytes, not the bandwidth. */
const IMAGES = 3;
const IMAGE_SIZE_BYTES = 8 * 1024;
const SEED = 42;
const USER = 'loadtest';
const PASSWORD = 'orthanc-peer-test-password';
const PASSWORD_ENV = 'PACSLOAD_TEST_ORTHANC_PASSWORD';

function setup(baseUrl: string, params: Partial<OperationParams>, auth?: DicomwebAuth, env: Record<string, string> = {}): OperationSetup {
  return {
    target: { dimse: undefined, dicomweb: { baseUrl, connections: 2, operationTimeoutUs: 30_000_000, auth } },
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined, ...params },
    workerIndex: 0,
    workerCount: 1,
    seed: SEED,
    // Fixed identities, so the test can name what stow.study sent (fixedSend).
    identities: fixedAllocator(SEED),
    env,
  };
}

/** Runs `name` once (prepare first, as the worker does) and closes it. */
async function runOnce(name: OperationName, operationSetup: OperationSetup, iteration = 0): Promise<OperationResult> {
  const operation = createOperation(name, operationSetup);
  try {
    const signal = new AbortController().signal;
    await operation.prepare?.(signal);
    return await operation.run({ iteration, signal });
  } finally {
    await operation.close();
  }
}

/** The body parts of a multipart/related answer, each whole (test only: frames of a few kilobytes). */
function multipartParts(contentType: string, body: Buffer): Buffer[] {
  const boundary = parseMediaType(contentType)?.parameters.get('boundary');
  if (boundary === undefined) throw new Error(`no boundary in ${contentType}`);
  const parts: Buffer[][] = [];
  const parser = new MultipartParser(boundary, {
    onPartStart: () => parts.push([]),
    onPartData: (_index, data) => parts.at(-1)!.push(Buffer.from(data)),
  });
  parser.push(body);
  const result = parser.finish();
  if (!result.complete) throw new Error(`multipart answer incomplete: ${result.reason}`);
  return parts.map((chunks) => Buffer.concat(chunks));
}

interface CountingProxy {
  /** The proxy's DICOMweb root, in front of Orthanc's. */
  baseUrl: string;
  /** Paths (with query) of every request, in arrival order. */
  paths: string[];
  close(): Promise<void>;
}

/** A forwarding proxy in front of Orthanc's HTTP port (test only) that records each request path. */
async function countingProxy(orthanc: RunningOrthanc): Promise<CountingProxy> {
  const agent = new Agent({ keepAlive: true });
  const paths: string[] = [];
  const server = createServer({ noDelay: true, keepAlive: true }, (request, response) => {
    const path = request.url ?? '/';
    paths.push(path);
    const upstream = httpRequest({ host: '127.0.0.1', port: orthanc.httpPort, path, method: request.method, headers: request.headers, agent }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('socket', (socket: Socket) => socket.setNoDelay(true));
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** 20 QIDO searches in one second against `baseUrl`; `auth` is YAML appended to the target (e.g. `, auth: {...}`). */
function authProfile(baseUrl: string, auth: string, preflight: boolean): string {
  return `
name: orthanc-auth
preflight: ${preflight}
target:
  dicomweb: { baseUrl: ${baseUrl}${auth} }
scenarios:
  qido: { operation: qido.studies, modality: CT, executor: constant-arrival-rate, rate: 20/s, duration: 1s }
`;
}

describe.skipIf(skipWithoutPeer(hasOrthancDicomweb))('Orthanc DICOMweb peer', () => {
  describe('a study sent by STOW-RS comes back by QIDO-RS and WADO-RS', () => {
    let orthanc: RunningOrthanc;
    let baseUrl: string;
    const stowParams: Partial<OperationParams> = { images: IMAGES, imageSizeBytes: IMAGE_SIZE_BYTES };
    // The study stow.study sends on iteration 0: fixed identities of the same seed.
    const [rows, columns] = matrixForSize('CT', IMAGE_SIZE_BYTES);
    const sent = buildStowStudy({ send: fixedSend(SEED, 'stow.study', 0), instances: IMAGES, modality: 'CT', rows, columns, studyDate: localDicomDate(new Date()) });

    beforeAll(async () => {
      orthanc = await startOrthanc({ dicomweb: true });
      baseUrl = `${orthanc.restUrl}/dicom-web`;
    }, 30_000);
    afterAll(async () => {
      await orthanc?.stop();
    });

    it('stow.study stores every instance', async () => {
      const result = await runOnce('stow.study', setup(baseUrl, stowParams));
      expect(result.outcome).toEqual({ kind: 'ok' });
      expect(result.bytesSent).toBeGreaterThan(IMAGES * rows * columns * 2);
      const statistics = await orthanc.getJson<{ CountInstances: number; CountStudies: number }>('/statistics');
      expect(statistics).toMatchObject({ CountInstances: IMAGES, CountStudies: 1 });
    });

    it('qido.studies, qido.series and qido.instances find it', async () => {
      for (const name of ['qido.studies', 'qido.series', 'qido.instances'] as const) {
        const result = await runOnce(name, setup(baseUrl, {}));
        expect(result.outcome, name).toEqual({ kind: 'ok' });
        expect(result.bytesReceived, name).toBeGreaterThan(0);
      }
      // The study list names the study that was sent.
      const studies = (await (await fetch(`${baseUrl}/studies?ModalitiesInStudy=CT`, { headers: { accept: 'application/dicom+json' } })).json()) as Array<
        Record<string, { Value?: unknown[] }>
      >;
      expect(studies.map((study) => study['0020000D']?.Value?.[0])).toEqual([sent[0]!.studyInstanceUid]);
    });

    it('wado.metadata returns one object per instance', async () => {
      const result = await runOnce('wado.metadata', setup(baseUrl, {}));
      expect(result.outcome).toEqual({ kind: 'ok' });
      const response = await fetch(`${baseUrl}/studies/${sent[0]!.studyInstanceUid}/series/${sent[0]!.seriesInstanceUid}/metadata`, {
        headers: { accept: 'application/dicom+json' },
      });
      expect(response.status).toBe(200);
      const metadata = (await response.json()) as Array<Record<string, { Value?: unknown[] }>>;
      expect(metadata.map((object) => object['00080018']?.Value?.[0]).sort()).toEqual(sent.map((instance) => instance.sopInstanceUid).sort());
      expect(metadata.every((object) => object['00280010']?.Value?.[0] === rows && object['00280011']?.Value?.[0] === columns)).toBe(true);
    });

    it('wado.frames succeeds, and a frame holds exactly the pixel bytes sent', async () => {
      for (let iteration = 0; iteration < IMAGES; iteration++) {
        const result = await runOnce('wado.frames', setup(baseUrl, {}), iteration);
        expect(result.outcome).toEqual({ kind: 'ok' });
        expect(result.bytesReceived).toBeGreaterThan(rows * columns * 2);
      }
      const instance = sent[1]!;
      const client = createDicomwebClient({ baseUrl, connections: 1, timeoutUs: 30_000_000 });
      try {
        // The lookup learned each frame's size from Orthanc's QIDO answer, so wado.frames checked the part sizes.
        const lookup = await new DicomwebCatalog(client, { modality: 'CT', depth: 'instances' }).get(new AbortController().signal);
        expect(lookup.ok && lookup.catalog.instances.map((found) => found.frameBytes)).toEqual(sent.map(() => rows * columns * 2));
        const exchange = await client.get(`/studies/${instance.studyInstanceUid}/series/${instance.seriesInstanceUid}/instances/${instance.sopInstanceUid}/frames/1`, {
          accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*',
        });
        expect(exchange.outcome).toEqual({ kind: 'ok' });
        const parts = multipartParts(String(exchange.headers['content-type']), exchange.body);
        expect(parts).toHaveLength(1);
        expect(parts[0]!.equals(pixelDataFor(rows, columns))).toBe(true);
      } finally {
        await client.close();
      }
    });

    it('wado.instance returns Part-10 files and wado.rendered a JPEG', async () => {
      for (const name of ['wado.instance', 'wado.rendered'] as const) {
        const result = await runOnce(name, setup(baseUrl, {}));
        expect(result.outcome, name).toEqual({ kind: 'ok' });
      }
    });

    it('a STOW with a wrong content type is classified as HTTP 415', async () => {
      const client = createDicomwebClient({ baseUrl, connections: 1, timeoutUs: 30_000_000 });
      try {
        const body = Buffer.from('{"not":"dicom"}');
        const exchange = await client.post('/studies', {
          accept: 'application/dicom+json',
          contentType: 'application/json',
          body: [body],
          bodyBytes: body.length,
        });
        expect(exchange.status).toBe(415);
        expect(exchange.outcome).toEqual({ kind: 'http-status', status: 415, reason: '415 Unsupported Media Type' });
      } finally {
        await client.close();
      }
      // Nothing was stored by it.
      const statistics = await orthanc.getJson<{ CountInstances: number }>('/statistics');
      expect(statistics.CountInstances).toBe(IMAGES);
    });

    it('viewer.open opens the study: ok, one frame request per instance, in the viewer order', async () => {
      const proxy = await countingProxy(orthanc);
      const open = createOperation('viewer.open', setup(proxy.baseUrl, {}));
      try {
        const signal = new AbortController().signal;
        await open.prepare?.(signal);
        proxy.paths.length = 0; // count the open only, not the target lookup
        const result = await open.run({ iteration: 0, signal });
        expect(result.outcome).toEqual({ kind: 'ok' });
        // Time to first image is measured, and the frames' bytes are counted.
        expect(Number.isInteger(result.ttfbUs)).toBe(true);
        expect(result.bytesReceived).toBeGreaterThan(IMAGES * rows * columns * 2);

        const { CountInstances, CountSeries } = await orthanc.getJson<{ CountInstances: number; CountSeries: number }>('/statistics');
        const frames = proxy.paths.filter((path) => path.includes('/frames/'));
        expect(frames).toHaveLength(CountInstances);
        // Every image sent was asked for exactly once, by its own frame URL.
        const study = sent[0]!.studyInstanceUid;
        expect(frames.sort()).toEqual(
          sent.map((instance) => `/dicom-web/studies/${study}/series/${instance.seriesInstanceUid}/instances/${instance.sopInstanceUid}/frames/1`).sort(),
        );
        // Study search, prior search, series list, metadata per series, frames: 3 + series + images.
        expect(proxy.paths).toHaveLength(3 + CountSeries + CountInstances);
        expect(proxy.paths[0]).toContain(`StudyInstanceUID=${study}`);
        expect(proxy.paths.filter((path) => path.includes('PatientID='))).toHaveLength(1);
        expect(proxy.paths.filter((path) => path.endsWith('/metadata'))).toHaveLength(CountSeries);
      } finally {
        await open.close();
        await proxy.close();
      }
    });
  });

  describe('with HTTP authentication on', () => {
    let orthanc: RunningOrthanc;
    let baseUrl: string;
    const basic: DicomwebAuth = { kind: 'basic', username: USER, passwordEnv: PASSWORD_ENV };

    beforeAll(async () => {
      orthanc = await startOrthanc({ dicomweb: true, users: { [USER]: PASSWORD } });
      baseUrl = `${orthanc.restUrl}/dicom-web`;
    }, 30_000);
    afterAll(async () => {
      await orthanc?.stop();
    });

    it('runs without credentials are classified as HTTP 401; with basic auth from the environment they succeed', async () => {
      for (const name of ['stow.study', 'qido.studies'] as const) {
        const result = await runOnce(name, setup(baseUrl, { images: 1, imageSizeBytes: IMAGE_SIZE_BYTES }));
        expect(result.outcome, name).toEqual({ kind: 'http-status', status: 401, reason: '401 Unauthorized' });
      }
      const withAuth = setup(baseUrl, { images: 1, imageSizeBytes: IMAGE_SIZE_BYTES }, basic, { [PASSWORD_ENV]: PASSWORD });
      expect((await runOnce('stow.study', withAuth)).outcome).toEqual({ kind: 'ok' });
      expect((await runOnce('qido.studies', withAuth)).outcome).toEqual({ kind: 'ok' });
      // A wrong password is a 401 too.
      const wrong = setup(baseUrl, {}, basic, { [PASSWORD_ENV]: 'not-the-password' });
      // The reason is Orthanc's status text; a body echoing the password would be redacted (src/redact.ts).
      expect((await runOnce('qido.studies', wrong)).outcome).toEqual({ kind: 'http-status', status: 401, reason: '401 Unauthorized' });
    });

    it('a load run without credentials stops at preflight, naming the credentials', async () => {
      const profile = parseProfileText(authProfile(baseUrl, '', true), 'orthanc-auth.yaml');
      const run = runLoad({ profile, workers: 1, outputs: [], env: {}, workerFilename: WORKER_PATH });
      await expect(run).rejects.toMatchObject({ code: 'ERR_TARGET_UNREACHABLE', hint: expect.stringContaining('credentials') });
    });

    it('past preflight, a load run without credentials counts the 401s as http_401 and completes; with credentials it has no errors', async () => {
      const unauthenticated = await runLoad({
        profile: parseProfileText(authProfile(baseUrl, '', false), 'orthanc-auth.yaml'),
        workers: 1,
        outputs: [],
        env: {},
        workerFilename: WORKER_PATH,
      });
      expect(unauthenticated.summary.run.endReason).toBe('completed');
      const qido = unauthenticated.summary.operations.find((operation) => operation.operation === 'qido.studies')!;
      expect(qido.completed).toBe(20);
      expect(qido.failed).toBe(20);
      expect(qido.outcomes).toEqual({ http_401: 20 });

      const authenticated = await runLoad({
        profile: parseProfileText(authProfile(baseUrl, `, auth: { username: ${USER}, passwordEnv: ${PASSWORD_ENV} }`, true), 'orthanc-auth.yaml'),
        workers: 1,
        outputs: [],
        env: { [PASSWORD_ENV]: PASSWORD },
        workerFilename: WORKER_PATH,
      });
      const qidoAuthenticated = authenticated.summary.operations.find((operation) => operation.operation === 'qido.studies')!;
      expect(qidoAuthenticated.completed).toBe(20);
      expect(qidoAuthenticated.failed).toBe(0);
      expect(qidoAuthenticated.outcomes).toEqual({ ok: 20 });
    }, 30_000);
  });
});
