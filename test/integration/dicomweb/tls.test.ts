/**
 * TLS for a DICOMweb target with a private CA (issue 4, item 1): a CA and a
 * server certificate for 127.0.0.1 are made with the `openssl` CLI at test time
 * (Debian package `openssl`, scripts/install-peers.sh), a node:https server
 * answers QIDO-RS `/dicom-web/studies` with an empty DICOM JSON array, and
 * qido.studies
 * (a) trusts it with `tls.caFile` (verification on);
 * (b) without the CA, fails the handshake: classified as a network error, not a crash;
 * (c) with `rejectUnauthorized: false`, gets through without the CA.
 * A load run through the workers shows the profile's CA file reaches the client
 * and that a run without it completes with every request counted as the failure.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_PATH } from '../../helpers/cli.js';
import { runLoad } from '../../../src/coordinator/run-load.js';
import { outcomeKey } from '../../../src/metrics/names.js';
import { createOperation } from '../../../src/operations/index.js';
import type { OperationResult, OperationSetup } from '../../../src/operations/types.js';
import { parseProfileText } from '../../../src/profile/load.js';
import type { DicomwebTls } from '../../../src/profile/types.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

const run = promisify(execFile);
const OPENSSL = ['/usr/bin/openssl', '/bin/openssl'].find((path) => existsSync(path));

/** Makes `ca.pem` and `server.key` / `server.pem` (signed by the CA, for IP 127.0.0.1) in `folder`. */
async function makeCertificates(folder: string): Promise<void> {
  const openssl = (...args: string[]) => run(OPENSSL!, args, { cwd: folder });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=pacs-load test CA');
  await openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  // Host name checks use subjectAltName (RFC 6125); an IP address needs an IP entry.
  await writeFile(join(folder, 'server.ext'), 'subjectAltName = IP:127.0.0.1\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n');
  await openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
}

function setup(baseUrl: string, tls: DicomwebTls | undefined): OperationSetup {
  return {
    target: { dimse: undefined, dicomweb: { baseUrl, connections: 2, operationTimeoutUs: 10_000_000, auth: undefined, tls } },
    params: { stations: 1, modality: 'CT', expectItems: undefined, limit: 10 },
    workerIndex: 0,
    workerCount: 1,
    seed: 1,
    env: {},
  };
}

/** Runs qido.studies `times` times on one operation, then closes it. */
async function qidoStudies(operationSetup: OperationSetup, times = 1): Promise<OperationResult[]> {
  const operation = createOperation('qido.studies', operationSetup);
  try {
    const results: OperationResult[] = [];
    for (let iteration = 0; iteration < times; iteration++) {
      results.push(await operation.run({ iteration, signal: new AbortController().signal }));
    }
    return results;
  } finally {
    await operation.close();
  }
}

function profile(baseUrl: string, tls: string): string {
  return `
name: tls
preflight: false
target:
  dicomweb: { baseUrl: ${baseUrl}${tls} }
scenarios:
  qido: { operation: qido.studies, modality: CT, executor: constant-arrival-rate, rate: 20/s, duration: 1s }
`;
}

describe.skipIf(skipWithoutPeer(OPENSSL !== undefined))('DICOMweb over TLS with a private CA', () => {
  let folder: string;
  let server: Server;
  let baseUrl: string;
  let caFile: string;
  let requests = 0;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pacsload-tls-'));
    await makeCertificates(folder);
    caFile = join(folder, 'ca.pem');
    server = createServer({ key: await readFile(join(folder, 'server.key')), cert: await readFile(join(folder, 'server.pem')) }, (request, response) => {
      requests++;
      request.resume();
      if (request.url?.startsWith('/dicom-web/studies') === true) {
        response.writeHead(200, { 'content-type': 'application/dicom+json' });
        response.end('[]');
      } else {
        response.writeHead(404, { 'content-length': '0' });
        response.end();
      }
    });
    server.on('connection', (socket: Socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
  }, 30_000);

  afterAll(async () => {
    if (server !== undefined) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it('(a) trusts the server with the CA file, verification on', async () => {
    const before = requests;
    const [result] = await qidoStudies(setup(baseUrl, { caFile, rejectUnauthorized: true }));
    expect(result!.outcome).toEqual({ kind: 'ok' });
    expect(result!.bytesReceived).toBeGreaterThan(0);
    expect(requests).toBe(before + 1);
  });

  it('(b) without the CA, the handshake fails: a classified network error, and later runs fail the same way', async () => {
    const before = requests;
    for (const tls of [undefined, { caFile: undefined, rejectUnauthorized: true }]) {
      const results = await qidoStudies(setup(baseUrl, tls), 3);
      for (const result of results) {
        expect(result.outcome.kind).toBe('network-error');
        // Node.js names the reason: the leaf's issuer is unknown (UNABLE_TO_VERIFY_LEAF_SIGNATURE).
        expect(outcomeKey(result.outcome)).toMatch(/^network_error_.*(verify|self_signed|cert|issuer)/i);
        expect(result.bytesReceived).toBe(0);
      }
    }
    // No request got past the handshake.
    expect(requests).toBe(before);
  });

  it('(c) with rejectUnauthorized false, gets through without the CA', async () => {
    const [result] = await qidoStudies(setup(baseUrl, { caFile: undefined, rejectUnauthorized: false }));
    expect(result!.outcome).toEqual({ kind: 'ok' });
  });

  it('a load run reads the CA file named in the profile; without it, the run completes with every request a network error', async () => {
    const trusted = await runLoad({
      profile: parseProfileText(profile(baseUrl, `, tls: { caFile: ${JSON.stringify(caFile)} }`), 'tls.yaml'),
      workers: 1,
      outputs: [],
      env: {},
      workerFilename: WORKER_PATH,
    });
    const ok = trusted.summary.operations.find((operation) => operation.operation === 'qido.studies')!;
    expect(ok.completed).toBe(20);
    expect(ok.outcomes).toEqual({ ok: 20 });

    const untrusted = await runLoad({
      profile: parseProfileText(profile(baseUrl, ''), 'tls.yaml'),
      workers: 1,
      outputs: [],
      env: {},
      workerFilename: WORKER_PATH,
    });
    expect(untrusted.summary.run.endReason).toBe('completed');
    const failed = untrusted.summary.operations.find((operation) => operation.operation === 'qido.studies')!;
    expect(failed.completed).toBe(20);
    expect(failed.failed).toBe(20);
    const keys = Object.keys(failed.outcomes);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^network_error_/);
  }, 30_000);

  it('preflight without the CA exits 4 with a hint naming target.dicomweb.tls', async () => {
    const text = profile(baseUrl, '').replace('preflight: false', 'preflight: true');
    await expect(
      runLoad({ profile: parseProfileText(text, 'tls.yaml'), workers: 1, outputs: [], env: {}, workerFilename: WORKER_PATH }),
    ).rejects.toMatchObject({ code: 'ERR_TARGET_UNREACHABLE', hint: expect.stringContaining('target.dicomweb.tls.caFile') });
  });

  it('a CA file that does not exist stops the run at setup with ERR_FILE_NOT_FOUND', async () => {
    const missing = join(folder, 'missing.pem');
    expect(() => createOperation('qido.studies', setup(baseUrl, { caFile: missing, rejectUnauthorized: true }))).toThrow(
      expect.objectContaining({ code: 'ERR_FILE_NOT_FOUND' }),
    );
  });
});
