/**
 * qido.series, qido.instances and the WADO-RS operations against the embedded
 * simulator on 127.0.0.1 (port 0): each one succeeds with the part counts and
 * bytes it asked for, 503 and 429 are classified, and a multipart answer cut
 * short or with an unused boundary is a protocol error, not a crash.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeKey, type OperationName } from '../../../src/metrics/names.js';
import { createOperation } from '../../../src/operations/index.js';
import type { Operation, OperationSetup } from '../../../src/operations/types.js';
import { MultipartAnswerCheck } from '../../../src/operations/wado-multipart-check.js';
import type { SimulatorFaults } from '../../../src/profile/types.js';
import { createDicomwebClient } from '../../../src/protocol/dicomweb/client.js';
import { startDicomwebSimulator, type RunningDicomwebSimulator } from '../../../src/simulator/dicomweb-server.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { buildStudies } from '../../../src/synth/studies.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function todayDa(): string {
  const now = new Date();
  return `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
}

/** A simulator with 30 seeded studies (about a third CT); `faults` is live: tests change it between runs. */
async function simulator(faults: SimulatorFaults = { ...NO_FAULTS }): Promise<RunningDicomwebSimulator> {
  const sim = await startDicomwebSimulator({
    studies: buildStudies({ count: 30, seed: 11, date: todayDa() }),
    faults: new FaultInjector(faults),
  });
  cleanups.push(() => sim.close());
  return sim;
}

function setup(baseUrl: string, params: Partial<OperationSetup['params']> = {}): OperationSetup {
  return {
    target: { dimse: undefined, dicomweb: { baseUrl, connections: 4, operationTimeoutUs: 10_000_000, auth: undefined } },
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined, ...params },
    workerIndex: 0,
    workerCount: 1,
    seed: 3,
    env: {},
  };
}

function operation(name: OperationName, operationSetup: OperationSetup): Operation {
  const created = createOperation(name, operationSetup);
  cleanups.push(() => created.close());
  return created;
}

const context = (iteration: number) => ({ iteration, signal: new AbortController().signal });

/** 512 x 512 x 16 bits: one CT frame of the simulator. */
const CT_FRAME_BYTES = 512 * 512 * 2;

describe('DICOMweb fetch operations against the simulator', () => {
  it.each([
    ['qido.series', 1_000],
    ['qido.instances', 10_000],
    ['wado.metadata', 50_000],
    ['wado.instance', CT_FRAME_BYTES],
    ['wado.frames', CT_FRAME_BYTES],
    ['wado.rendered', 50],
  ] as const)('%s succeeds round robin over what the target holds, with bytes and ttfb', async (name, minBytes) => {
    const sim = await simulator();
    const op = operation(name, setup(sim.baseUrl));
    expect(op.name).toBe(name);
    for (let iteration = 0; iteration < 6; iteration++) {
      const result = await op.run(context(iteration));
      expect(result.outcome, `${name} run ${iteration}`).toEqual({ kind: 'ok' });
      expect(result.bytesReceived).toBeGreaterThan(minBytes);
      expect(result.bytesSent).toBeGreaterThan(100);
      expect(Number.isInteger(result.ttfbUs)).toBe(true);
    }
  });

  it('wado.frames counts exactly one frame of bytes plus the multipart framing', async () => {
    const sim = await simulator();
    const frames = operation('wado.frames', setup(sim.baseUrl));
    const result = await frames.run(context(0));
    expect(result.outcome).toEqual({ kind: 'ok' });
    // Head and multipart framing add well under 1 KB to the frame.
    expect(result.bytesReceived - CT_FRAME_BYTES).toBeGreaterThan(0);
    expect(result.bytesReceived - CT_FRAME_BYTES).toBeLessThan(1_000);
  });

  it('qido.series sends the limit and accepts a page cut to it', async () => {
    const sim = await simulator();
    // Seeded CT studies have 4-8 series; limit 1 cuts the page (the simulator adds a Warning).
    expect((await operation('qido.series', setup(sim.baseUrl, { limit: 1 })).run(context(0))).outcome).toEqual({ kind: 'ok' });
  });

  it('looks the target up in prepare(), so the first run makes one request of its own', async () => {
    const sim = await simulator();
    const frames = operation('wado.frames', setup(sim.baseUrl));
    await frames.prepare?.(new AbortController().signal);
    const before = sim.requestsServed;
    expect(before).toBeGreaterThan(2);
    expect((await frames.run(context(0))).outcome).toEqual({ kind: 'ok' });
    expect(sim.requestsServed - before).toBe(1);
  });

  it('keeps looking the target up in prepare() while it answers busy (every third request 503), so the load starts with the catalog', async () => {
    let draw = 0;
    // errorRate draws one random number per request: every third is below the rate.
    const faults = new FaultInjector({ ...NO_FAULTS, errorRate: 0.5 }, () => (++draw % 3 === 0 ? 0.1 : 0.9));
    const sim = await startDicomwebSimulator({ studies: buildStudies({ count: 30, seed: 11, date: todayDa() }), faults });
    cleanups.push(() => sim.close());
    const frames = operation('wado.frames', setup(sim.baseUrl));
    await frames.prepare?.(new AbortController().signal);
    const before = sim.requestsServed;
    // More than one attempt was needed, and the lookup is whole: a run makes one request of its own.
    expect(before).toBeGreaterThan(6);
    await frames.run(context(0));
    expect(sim.requestsServed - before).toBe(1);
  });

  it('does not retry the lookup in prepare() when the answer is not busy (401)', async () => {
    const sim = await startDicomwebSimulator({
      studies: buildStudies({ count: 30, seed: 11, date: todayDa() }),
      faults: new FaultInjector({ ...NO_FAULTS }),
      requiredAuthorization: 'Bearer not-sent',
    });
    cleanups.push(() => sim.close());
    const frames = operation('wado.frames', setup(sim.baseUrl));
    await frames.prepare?.(new AbortController().signal);
    expect(sim.requestsServed).toBe(1);
  });

  it('runs concurrently on one pool, sharing one lookup', async () => {
    const sim = await simulator();
    const frames = operation('wado.frames', setup(sim.baseUrl));
    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => frames.run(context(index))));
    expect(results.map((result) => outcomeKey(result.outcome))).toEqual(Array(50).fill('ok'));
  });

  it('classifies 503 (errorRate) and 429 (throttleRate) after the lookup, and recovers', async () => {
    const faults: SimulatorFaults = { ...NO_FAULTS };
    const sim = await simulator(faults);
    const metadata = operation('wado.metadata', setup(sim.baseUrl));
    expect((await metadata.run(context(0))).outcome).toEqual({ kind: 'ok' });
    faults.errorRate = 1;
    expect((await metadata.run(context(1))).outcome).toEqual({ kind: 'http-status', status: 503, reason: '503 Service Unavailable' });
    faults.errorRate = 0;
    faults.throttleRate = 1;
    const throttled = await metadata.run(context(2));
    expect(throttled.outcome).toEqual({ kind: 'http-status', status: 429, reason: '429 Too Many Requests' });
    expect(outcomeKey(throttled.outcome)).toBe('http_429');
    faults.throttleRate = 0;
    expect((await metadata.run(context(3))).outcome).toEqual({ kind: 'ok' });
  });

  it('returns the failed lookup as the outcome, and looks up again on the next run', async () => {
    const faults: SimulatorFaults = { ...NO_FAULTS, throttleRate: 1 };
    const sim = await simulator(faults);
    const frames = operation('wado.frames', setup(sim.baseUrl));
    const first = await frames.run(context(0));
    expect(first.outcome).toEqual({ kind: 'http-status', status: 429, reason: '429 Too Many Requests' });
    faults.throttleRate = 0;
    expect((await frames.run(context(1))).outcome).toEqual({ kind: 'ok' });
  });

  it('calls it empty when the target holds no studies of the modality', async () => {
    const sim = await simulator();
    const result = await operation('wado.instance', setup(sim.baseUrl, { modality: 'XA' })).run(context(0));
    expect(result.outcome).toMatchObject({ kind: 'empty', reason: expect.stringMatching(/no XA studies/) });
  });

  it('classifies a refused connection without throwing', async () => {
    const result = await operation('qido.series', setup('http://127.0.0.1:1/dicom-web')).run(context(0));
    expect(outcomeKey(result.outcome)).toBe('connection_refused');
  });
});

describe('a multipart answer cut short', () => {
  async function rawServer(body: Buffer, contentType: string): Promise<string> {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': contentType, 'content-length': String(body.length) });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function checkAgainst(body: Buffer, contentType: string, parts = 1) {
    const client = createDicomwebClient({ baseUrl: await rawServer(body, contentType), connections: 1, timeoutUs: 5_000_000 });
    cleanups.push(() => client.close());
    const check = new MultipartAnswerCheck({ parts, partType: /^application\/octet-stream/, uncompressedPartBytes: 6 });
    const exchange = await client.get('/frames/1', {
      accept: 'multipart/related; type="application/octet-stream"',
      discardBody: true,
      onResponseHeaders: check.onResponseHeaders,
      onBodyChunk: check.onBodyChunk,
    });
    return check.outcome(exchange);
  }

  it('is a protocol error when the body cannot be split: closing boundary missing, declared boundary unused or absent', async () => {
    const type = 'multipart/related; type="application/octet-stream"; boundary=xyz';
    const unclosed = Buffer.from('--xyz\r\nContent-Type: application/octet-stream\r\n\r\nabc\r\n12');
    expect(await checkAgainst(unclosed, type)).toMatchObject({ kind: 'protocol-error', detail: expect.stringMatching(/no closing boundary/) });
    // RFC 2046 5.1.1: the parts use another boundary than the one declared.
    const otherBoundary = Buffer.from('--abc\r\nContent-Type: application/octet-stream\r\n\r\nabcdef\r\n--abc--\r\n');
    expect(await checkAgainst(otherBoundary, type)).toEqual({ kind: 'protocol-error', detail: 'no multipart boundary in the body' });
    expect(await checkAgainst(otherBoundary, 'multipart/related; type="application/octet-stream"')).toMatchObject({ kind: 'protocol-error' });
  });

  it('passes a whole answer with CRLF in the frame, and fails a wrong part count, size or media type', async () => {
    const whole = Buffer.from('--xyz\r\nContent-Type: application/octet-stream\r\n\r\na\r\n--b\r\n--xyz--\r\n');
    const type = 'multipart/related; type="application/octet-stream"; boundary=xyz';
    expect(await checkAgainst(whole, type)).toEqual({ kind: 'ok' });
    expect(await checkAgainst(whole, type, 2)).toEqual({ kind: 'check-failed', reason: '1 parts, expected 2' });
    const short = Buffer.from('--xyz\r\nContent-Type: application/octet-stream\r\n\r\nabc\r\n--xyz--');
    expect(await checkAgainst(short, type)).toEqual({ kind: 'check-failed', reason: 'part 1 has 3 bytes, expected 6' });
    expect(await checkAgainst(whole, 'application/json')).toMatchObject({ kind: 'check-failed', reason: expect.stringMatching(/content type/) });
    const wrongType = Buffer.from('--xyz\r\nContent-Type: text/html\r\n\r\nabcdef\r\n--xyz--');
    expect(await checkAgainst(wrongType, type)).toEqual({ kind: 'check-failed', reason: 'part type text/html' });
  });
});
