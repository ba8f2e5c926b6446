/**
 * viewer.open against the embedded simulator on 127.0.0.1 (port 0), through a
 * small counting proxy in front of it (test only): one open makes exactly
 * 1 + 1 + series + images + 1 requests, receives more than its frames' bytes,
 * keeps at most maxFramesInFlight frame requests in flight, and a 503 in the
 * middle of an open is classified while the open and the run go on.
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeKey } from '../../../src/metrics/names.js';
import { createOperation } from '../../../src/operations/index.js';
import type { Operation, OperationSetup } from '../../../src/operations/types.js';
import type { SimulatorFaults } from '../../../src/profile/types.js';
import { startDicomwebSimulator, type RunningDicomwebSimulator } from '../../../src/simulator/dicomweb-server.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { buildStudies, StudyTag, type DicomJsonObject } from '../../../src/synth/studies.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function todayDa(): string {
  const now = new Date();
  return `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
}

/** 480 x 640 x 16 bits: one US frame of the simulator (src/synth/dicomweb-instances.ts). */
const US_FRAME_BYTES = 480 * 640 * 2;
const STUDIES = buildStudies({ count: 40, seed: 11, date: todayDa() });

/** A simulator over STUDIES; `faults` is live: tests change it between runs. */
async function simulator(faults: SimulatorFaults = { ...NO_FAULTS }): Promise<RunningDicomwebSimulator> {
  const sim = await startDicomwebSimulator({ studies: STUDIES, faults: new FaultInjector(faults) });
  cleanups.push(() => sim.close());
  return sim;
}

interface CountingProxy {
  baseUrl: string;
  /** Paths (with query) of every request, in arrival order. */
  paths: string[];
  framesInFlight: number;
  maxFramesInFlight: number;
  /** Frame requests seen so far. */
  frameRequests: number;
  /** Called on each frame request with its ordinal (from 1); returning true answers it 503 here. */
  onFrame: (ordinal: number) => boolean;
  reset(): void;
}

/** A forwarding proxy in front of `sim` that counts requests and frame requests in flight. */
async function countingProxy(sim: RunningDicomwebSimulator): Promise<CountingProxy> {
  const agent = new Agent({ keepAlive: true });
  const stats: CountingProxy = {
    baseUrl: '',
    paths: [],
    framesInFlight: 0,
    maxFramesInFlight: 0,
    frameRequests: 0,
    onFrame: () => false,
    reset() {
      this.paths = [];
      this.maxFramesInFlight = 0;
      this.frameRequests = 0;
    },
  };
  const server = createServer({ noDelay: true, keepAlive: true }, (request, response) => {
    const path = request.url ?? '/';
    stats.paths.push(path);
    const isFrame = path.includes('/frames/');
    if (isFrame) {
      stats.frameRequests++;
      if (stats.onFrame(stats.frameRequests)) {
        request.resume();
        response.writeHead(503, { 'retry-after': '1', 'content-length': '0' });
        response.end();
        return;
      }
      stats.framesInFlight++;
      stats.maxFramesInFlight = Math.max(stats.maxFramesInFlight, stats.framesInFlight);
      response.on('close', () => stats.framesInFlight--);
    }
    const upstream = httpRequest({ host: '127.0.0.1', port: sim.port, path, method: request.method, headers: request.headers, agent }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('socket', (socket: Socket) => socket.setNoDelay(true));
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  );
  stats.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
  return stats;
}

function setup(baseUrl: string, params: Partial<OperationSetup['params']> = {}, connections = 16): OperationSetup {
  return {
    target: { dimse: undefined, dicomweb: { baseUrl, connections, operationTimeoutUs: 20_000_000, auth: undefined } },
    params: { stations: 1, modality: 'US', expectItems: undefined, limit: undefined, ...params },
    workerIndex: 0,
    workerCount: 1,
    seed: 3,
    env: {},
  };
}

async function viewerOpen(operationSetup: OperationSetup): Promise<Operation> {
  const created = createOperation('viewer.open', operationSetup);
  cleanups.push(() => created.close());
  // The target lookup happens before time zero, as the worker does it.
  await created.prepare?.(new AbortController().signal);
  return created;
}

const context = (iteration: number, signal = new AbortController().signal) => ({ iteration, signal });

/** The study an open asked for, from its first request (the study search by StudyInstanceUID). */
function openedStudy(paths: readonly string[]): DicomJsonObject {
  const uid = /StudyInstanceUID=([0-9.]+)/.exec(paths[0] ?? '')?.[1];
  const study = STUDIES.find((candidate) => candidate[StudyTag.StudyInstanceUID]?.Value?.[0] === uid);
  if (study === undefined) throw new Error(`the first request is not a study search: ${paths[0]}`);
  return study;
}

function numberOf(study: DicomJsonObject, tag: string): number {
  return Number(study[tag]?.Value?.[0]);
}

describe('viewer.open against the simulator', () => {
  it('makes 1 + 1 + series + images + 1 requests, in the viewer order, and counts more than the frame bytes', async () => {
    const sim = await simulator();
    const proxy = await countingProxy(sim);
    const open = await viewerOpen(setup(proxy.baseUrl));
    expect(open.name).toBe('viewer.open');

    const opened = new Set<string>();
    for (let iteration = 0; iteration < 2; iteration++) {
      proxy.reset();
      const servedBefore = sim.requestsServed;
      const result = await open.run(context(iteration));
      expect(result.outcome, `open ${iteration}`).toEqual({ kind: 'ok' });

      const study = openedStudy(proxy.paths);
      const studyUid = study[StudyTag.StudyInstanceUID]!.Value![0] as string;
      opened.add(studyUid);
      const series = numberOf(study, StudyTag.NumberOfStudyRelatedSeries);
      const images = numberOf(study, StudyTag.NumberOfStudyRelatedInstances);
      expect(series).toBeGreaterThan(0);
      expect(images).toBeGreaterThanOrEqual(series);
      expect(sim.requestsServed - servedBefore).toBe(1 + 1 + series + images + 1);
      // Requests per open, as the summary counts them.
      expect(result.requests).toBe(1 + 1 + series + images + 1);

      const kinds = proxy.paths.map((path) => {
        if (path.includes('/frames/')) return 'frame';
        if (path.endsWith('/metadata')) return 'metadata';
        if (/\/studies\/[0-9.]+\/series\?/.test(path)) return 'series';
        if (path.includes('/studies?StudyInstanceUID=')) return 'study';
        if (path.includes('/studies?PatientID=')) return 'priors';
        return `other ${path}`;
      });
      expect(kinds.filter((kind) => kind === 'frame')).toHaveLength(images);
      expect(kinds.filter((kind) => kind === 'metadata')).toHaveLength(series);
      expect(kinds.filter((kind) => kind !== 'frame' && kind !== 'metadata').sort()).toEqual(['priors', 'series', 'study']);
      // The study search comes first; the series list before any metadata, metadata before that series' frames.
      expect(kinds[0]).toBe('study');
      expect(kinds.indexOf('series')).toBeLessThan(kinds.indexOf('metadata'));
      expect(kinds.indexOf('metadata')).toBeLessThan(kinds.indexOf('frame'));
      // Every request is for the opened study, and the prior search is by its patient.
      for (const path of proxy.paths.filter((p) => p.includes('/studies/'))) expect(path).toContain(`/studies/${studyUid}/`);
      const patientId = study[StudyTag.PatientID]!.Value![0] as string;
      expect(proxy.paths.find((path) => path.includes('PatientID='))).toContain(`PatientID=${encodeURIComponent(patientId)}`);

      expect(result.bytesReceived).toBeGreaterThan(images * US_FRAME_BYTES);
      expect(result.bytesSent).toBeGreaterThan(100 * (3 + series + images));
      // Time to first image: an integer, positive.
      expect(Number.isInteger(result.ttfbUs)).toBe(true);
      expect(result.ttfbUs).toBeGreaterThan(0);
    }
    // Round robin: the second open is another study.
    expect(opened.size).toBe(2);
  });

  it('keeps at most maxFramesInFlight frame requests in flight', async () => {
    // A little latency so that frame requests overlap at the server.
    const sim = await simulator({ ...NO_FAULTS, latencyUs: 3_000 });
    const proxy = await countingProxy(sim);
    const bounded = await viewerOpen(setup(proxy.baseUrl, { maxFramesInFlight: 3 }, 32));
    for (let iteration = 0; iteration < 3; iteration++) {
      proxy.reset();
      expect((await bounded.run(context(iteration))).outcome).toEqual({ kind: 'ok' });
      expect(proxy.frameRequests).toBeGreaterThan(3);
      expect(proxy.maxFramesInFlight).toBeLessThanOrEqual(3);
      expect(proxy.maxFramesInFlight).toBeGreaterThanOrEqual(2);
    }
    // Without the bound (default 100), the same opens put more than 3 in flight on 32 connections.
    const unbounded = await viewerOpen(setup(proxy.baseUrl, {}, 32));
    let widest = 0;
    for (let iteration = 0; iteration < 3; iteration++) {
      proxy.reset();
      expect((await unbounded.run(context(iteration))).outcome).toEqual({ kind: 'ok' });
      widest = Math.max(widest, proxy.maxFramesInFlight);
    }
    expect(widest).toBeGreaterThan(3);
  });

  it('classifies a 503 in the middle of an open, finishes the open, and the next open is ok', async () => {
    const sim = await simulator();
    const proxy = await countingProxy(sim);
    const open = await viewerOpen(setup(proxy.baseUrl, { maxFramesInFlight: 4 }));
    proxy.reset();
    proxy.onFrame = (ordinal) => ordinal === 3;
    const faulted = await open.run(context(0));
    expect(faulted.outcome).toEqual({ kind: 'http-status', status: 503, reason: '503 Service Unavailable' });
    expect(outcomeKey(faulted.outcome)).toBe('http_503');
    // The open went on after the failed frame: every image was still asked for.
    const images = numberOf(openedStudy(proxy.paths), StudyTag.NumberOfStudyRelatedInstances);
    expect(proxy.frameRequests).toBe(images);
    expect(faulted.bytesReceived).toBeGreaterThan((images - 1) * US_FRAME_BYTES);

    proxy.onFrame = () => false;
    proxy.reset();
    expect((await open.run(context(0))).outcome).toEqual({ kind: 'ok' });
  });

  it("classifies the simulator's 503 (errorRate) and recovers", async () => {
    const faults: SimulatorFaults = { ...NO_FAULTS };
    const sim = await simulator(faults);
    const open = await viewerOpen(setup(sim.baseUrl));
    faults.errorRate = 1;
    const failed = await open.run(context(0));
    expect(failed.outcome).toEqual({ kind: 'http-status', status: 503, reason: '503 Service Unavailable' });
    // Nothing to load without a series list: the open stops after its first searches.
    expect(failed.ttfbUs).toBeUndefined();
    faults.errorRate = 0;
    expect((await open.run(context(1))).outcome).toEqual({ kind: 'ok' });
  });

  it('stops sending when the scenario aborts the open', async () => {
    const sim = await simulator();
    const proxy = await countingProxy(sim);
    const open = await viewerOpen(setup(proxy.baseUrl, { maxFramesInFlight: 2 }));
    proxy.reset();
    const controller = new AbortController();
    proxy.onFrame = (ordinal) => {
      if (ordinal === 3) controller.abort();
      return false;
    };
    const result = await open.run(context(0, controller.signal));
    expect(result.outcome).toEqual({ kind: 'aborted', reason: 'cut off by pacs-load before the answer' });
    const images = numberOf(openedStudy(proxy.paths), StudyTag.NumberOfStudyRelatedInstances);
    expect(proxy.frameRequests).toBeLessThan(images);
  });

  it('opens a whole CT study (hundreds of images) with one request per image', async () => {
    const sim = await simulator();
    const open = await viewerOpen(setup(sim.baseUrl, { modality: 'CT' }, 8));
    const before = sim.requestsServed;
    const result = await open.run(context(0));
    expect(result.outcome).toEqual({ kind: 'ok' });
    const requests = sim.requestsServed - before;
    // docs/architecture.md section 6: a CT of 450-900 images in 4-8 series is about that many requests plus a few.
    expect(requests).toBeGreaterThan(450 + 4 + 3 - 1);
    // Each image is one 512 x 512 x 16-bit frame.
    expect(result.bytesReceived).toBeGreaterThan((requests - 3 - 8) * 512 * 512 * 2);
  }, 60_000);
});
