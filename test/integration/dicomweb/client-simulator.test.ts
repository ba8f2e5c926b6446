import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeKey } from '../../../src/metrics/names.js';
import { createDicomwebClient, type DicomwebClient, type DicomwebClientOptions } from '../../../src/protocol/dicomweb/client.js';
import { inspectDicomJsonArray } from '../../../src/protocol/dicomweb/dicom-json-array.js';
import { startDicomwebSimulator, type RunningDicomwebSimulator } from '../../../src/simulator/dicomweb-server.js';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import type { SimulatorFaults } from '../../../src/profile/types.js';
import { buildStudies } from '../../../src/synth/studies.js';

const DATE = '20250301';
const ACCEPT = 'application/dicom+json';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  // Clients first, so servers see their connections end before they close.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(count: number, faults: Partial<SimulatorFaults> = {}): Promise<RunningDicomwebSimulator> {
  const running = await startDicomwebSimulator({
    studies: buildStudies({ count, seed: 11, date: DATE, modalityMix: { CT: 1 } }),
    faults: new FaultInjector({ ...NO_FAULTS, ...faults }, () => 0),
  });
  cleanups.push(() => running.close());
  return running;
}

function client(baseUrl: string, options: Partial<DicomwebClientOptions> = {}): DicomwebClient {
  const created = createDicomwebClient({ baseUrl, connections: 2, timeoutUs: 5_000_000, ...options });
  cleanups.push(() => created.close());
  return created;
}

/** A port nothing listens on: bound once by the OS, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
}

describe('DICOMweb client against the simulator', () => {
  it('gets all matching studies as a DICOM JSON array', async () => {
    const sim = await simulator(30);
    const exchange = await client(sim.baseUrl).get(`/studies?StudyDate=${DATE}-${DATE}&ModalitiesInStudy=CT`, { accept: ACCEPT });
    expect(exchange.outcome).toEqual({ kind: 'ok' });
    expect(exchange.status).toBe(200);
    expect(exchange.headers['content-type']).toBe('application/dicom+json');
    expect(inspectDicomJsonArray(exchange.body)).toEqual({ ok: true, count: 30 });
    const studies = JSON.parse(exchange.body.toString('utf8')) as Array<Record<string, { Value: string[] }>>;
    expect(studies).toHaveLength(30);
    const uid = studies[0]!['0020000D']!.Value[0];
    expect(studies[0]!['00081190']!.Value[0]).toBe(`${sim.baseUrl}/studies/${uid}`);
    expect(exchange.bytesReceived).toBeGreaterThan(exchange.body.length);
    expect(exchange.ttfbUs).toEqual(expect.any(Number));
    expect(Number.isInteger(exchange.ttfbUs)).toBe(true);
  });

  it('respects limit and offset, and warns that more results exist', async () => {
    const sim = await simulator(30);
    const dicomweb = client(sim.baseUrl);
    const page1 = await dicomweb.get('/studies?ModalitiesInStudy=CT&limit=10', { accept: ACCEPT });
    const page3 = await dicomweb.get('/studies?ModalitiesInStudy=CT&limit=10&offset=25', { accept: ACCEPT });
    expect(inspectDicomJsonArray(page1.body)).toEqual({ ok: true, count: 10 });
    expect(page1.headers['warning']).toMatch(/^299 /);
    expect(inspectDicomJsonArray(page3.body)).toEqual({ ok: true, count: 5 });
    expect(page3.headers['warning']).toBeUndefined();
  });

  it('answers 200 with an empty array when nothing matches', async () => {
    const sim = await simulator(5);
    const exchange = await client(sim.baseUrl).get('/studies?ModalitiesInStudy=MR', { accept: ACCEPT });
    expect(exchange.status).toBe(200);
    expect(exchange.body.toString()).toBe('[]');
  });

  it('classifies an unknown path as http_404; answers a bad query 400, XML-only Accept 406, PUT 405', async () => {
    const sim = await simulator(1);
    const dicomweb = client(sim.baseUrl);
    const missing = await dicomweb.get('/nothing-here', { accept: ACCEPT });
    expect(missing.status).toBe(404);
    expect(outcomeKey(missing.outcome)).toBe('http_404');
    expect((await dicomweb.get('/studies?limit=x', { accept: ACCEPT })).status).toBe(400);
    expect((await dicomweb.get('/studies', { accept: 'multipart/related; type="application/dicom+xml"' })).status).toBe(406);
    // POST /studies is STOW-RS (PS3.18 10.5): without a multipart/related body it is 415.
    const posted = await fetch(`${sim.baseUrl}/studies`, { method: 'POST' });
    expect(posted.status).toBe(415);
    const put = await fetch(`${sim.baseUrl}/studies`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });

  it('classifies injected failures as http_503 with Retry-After', async () => {
    const sim = await simulator(3, { errorRate: 1 });
    const exchange = await client(sim.baseUrl).get('/studies', { accept: ACCEPT });
    expect(exchange.status).toBe(503);
    expect(exchange.headers['retry-after']).toBe('1');
    expect(outcomeKey(exchange.outcome)).toBe('http_503');
  });

  it('classifies a closed port as connection_refused', async () => {
    const port = await freePort();
    const exchange = await client(`http://127.0.0.1:${port}/dicom-web`).get('/studies', { accept: ACCEPT });
    expect(outcomeKey(exchange.outcome)).toBe('connection_refused');
    expect(exchange.status).toBeUndefined();
    expect(exchange.ttfbUs).toBeUndefined();
  });

  it('classifies a server slower than the timeout as timeout, and returns at the timeout', async () => {
    const sim = await simulator(1, { latencyUs: 1_500_000 });
    const started = performance.now();
    const exchange = await client(sim.baseUrl, { timeoutUs: 200_000 }).get('/studies', { accept: ACCEPT });
    const elapsedMs = performance.now() - started;
    // Which step ran out of time: the headers never came (issue 14, item 4).
    expect(exchange.outcome).toEqual({ kind: 'timeout', reason: 'response: no response headers within 200 ms' });
    expect(elapsedMs).toBeGreaterThanOrEqual(190);
    expect(elapsedMs).toBeLessThan(1_200);
  });

  it('measures time to first byte including the server latency', async () => {
    const sim = await simulator(1, { latencyUs: 60_000 });
    const exchange = await client(sim.baseUrl).get('/studies', { accept: ACCEPT });
    expect(exchange.outcome).toEqual({ kind: 'ok' });
    expect(exchange.ttfbUs).toBeGreaterThanOrEqual(60_000);
  });

  it('ends with aborted when the caller aborts', async () => {
    const sim = await simulator(1, { latencyUs: 2_000_000 });
    const controller = new AbortController();
    const pending = client(sim.baseUrl).get('/studies', { accept: ACCEPT, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await pending).outcome).toEqual({ kind: 'aborted', reason: 'cut off by pacs-load before the answer' });
    expect((await client(sim.baseUrl).get('/studies', { accept: ACCEPT, signal: AbortSignal.abort() })).outcome).toEqual({
      kind: 'aborted',
      reason: 'cut off by pacs-load before the answer',
    });
  });

  it('shares one caller signal among many requests without a listener each', async () => {
    const sim = await simulator(5);
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const shared = new AbortController().signal;
      const dicomweb = client(sim.baseUrl, { connections: 4 });
      const exchanges = await Promise.all(Array.from({ length: 50 }, () => dicomweb.get('/studies', { accept: ACCEPT, signal: shared })));
      expect(exchanges.every((exchange) => exchange.outcome.kind === 'ok')).toBe(true);
      // Let a process warning, if any, be emitted (they are delivered on the next tick).
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('reuses one keep-alive connection for 100 sequential requests', async () => {
    const sim = await simulator(5);
    const dicomweb = client(sim.baseUrl, { connections: 1 });
    for (let index = 0; index < 100; index++) {
      const exchange = await dicomweb.get('/studies?limit=2', { accept: ACCEPT });
      expect(exchange.outcome).toEqual({ kind: 'ok' });
    }
    expect(sim.requestsServed).toBe(100);
    expect(sim.connectionsAccepted).toBe(1);
  });

  it('never opens more connections than configured under concurrency', async () => {
    const sim = await simulator(5, { latencyUs: 5_000 });
    const dicomweb = client(sim.baseUrl, { connections: 3 });
    const exchanges = await Promise.all(Array.from({ length: 60 }, () => dicomweb.get('/studies', { accept: ACCEPT })));
    expect(exchanges.every((exchange) => exchange.outcome.kind === 'ok')).toBe(true);
    expect(sim.connectionsAccepted).toBe(3);
  });
});

describe('DICOMweb client request details', () => {
  it('sends the bearer token, the Accept header, and counts bytes as they cross the wire', async () => {
    const seen: Array<{ headers: IncomingHttpHeaders; url: string | undefined; requestBytes: number }> = [];
    const body = Buffer.from('[]');
    let responseBytes = 0;
    const server = createServer((request, response) => {
      seen.push({ headers: request.headers, url: request.url, requestBytes: request.socket.bytesRead });
      response.writeHead(200, { 'content-type': 'application/dicom+json', 'content-length': String(body.length) });
      response.end(body, () => {
        responseBytes = request.socket.bytesWritten;
      });
    });
    const baseUrl = await listen(server);
    const exchange = await client(baseUrl, { auth: { kind: 'bearer', token: 'secret-token' } }).get('/studies?PatientID=PLSYN-000001', {
      accept: ACCEPT,
    });
    expect(exchange.outcome).toEqual({ kind: 'ok' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.authorization).toBe('Bearer secret-token');
    expect(seen[0]!.headers.accept).toBe(ACCEPT);
    expect(seen[0]!.url).toBe('/dicom-web/studies?PatientID=PLSYN-000001');
    // The computed head matches what the server read, and the rebuilt response head what it wrote.
    expect(exchange.bytesSent).toBe(seen[0]!.requestBytes);
    expect(exchange.bytesReceived).toBe(responseBytes);
  });

  it('sends Basic credentials', async () => {
    let authorization: string | undefined;
    const server = createServer((request, response) => {
      authorization = request.headers.authorization;
      response.end('[]');
    });
    const baseUrl = await listen(server);
    await client(baseUrl, { auth: { kind: 'basic', username: 'alice', password: 'pw' } }).get('/studies', { accept: ACCEPT });
    expect(authorization).toBe(`Basic ${Buffer.from('alice:pw').toString('base64')}`);
  });

  it('classifies a connection dropped before the answer as connection_reset', async () => {
    const server = createServer((request) => {
      request.socket.destroy();
    });
    const baseUrl = await listen(server);
    const exchange = await client(baseUrl).get('/studies', { accept: ACCEPT });
    expect(outcomeKey(exchange.outcome)).toBe('connection_reset');
  });
});
