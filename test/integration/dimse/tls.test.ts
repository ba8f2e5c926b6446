/**
 * DICOM TLS (PS3.15 Annex B secure transport) for target.dimse.tls. A CA, a
 * server certificate for the name `pacs.test` (no IP address, so the name must
 * be given as `servername`), a client certificate and an unrelated CA are made
 * with openssl at run time in a temp folder (no key is ever committed). The
 * peers: a node:tls Verification SCP, and DCMTK's storescp with +tls.
 * `servername` needs src/protocol/dimse/dcmjs-dimse-fixes.md edit 10.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outcomeKey } from '../../../src/metrics/names.js';
import { createDimseEcho } from '../../../src/operations/dimse-echo.js';
import { createDimseStore } from '../../../src/operations/dimse-store.js';
import type { Operation } from '../../../src/operations/types.js';
import type { DimseTarget, DimseTls, OperationParams } from '../../../src/profile/types.js';
import { stopProcess } from '../../helpers/peer-process.js';
import { skipWithoutPeer } from '../../helpers/peers.js';
import { freePort, waitUntilListening } from '../../helpers/ports.js';
import { dimseTarget, iteration, operationSetup } from './helpers.js';
import { startRecordingScp, type RecordingScp } from './recording-scp.js';

const run = promisify(execFile);
const hasOpenssl = existsSync('/usr/bin/openssl');
const hasDcmtk = existsSync('/usr/bin/storescp');
const dcmtkEnv = { ...process.env, TCP_NODELAY: '1' };

let folder = '';
const file = (name: string): string => join(folder, name);

/** A CA, a server certificate for DNS:pacs.test and a client certificate signed by it, and an unrelated CA. */
async function makeCertificates(): Promise<void> {
  const openssl = (...args: string[]): Promise<unknown> => run('openssl', args, { cwd: folder });
  const newCa = (name: string): Promise<unknown> =>
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=pacs-load test ${name}`);
  await Promise.all([newCa('ca'), newCa('other-ca')]);
  const leaf = async (name: string, subject: string, extensions: string): Promise<void> => {
    await writeFile(file(`${name}.ext`), extensions);
    await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    await openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  };
  await leaf('server', '/CN=pacs.test', 'subjectAltName=DNS:pacs.test\nextendedKeyUsage=serverAuth\n');
  await leaf('client', '/CN=pacsload', 'extendedKeyUsage=clientAuth\n');
}

beforeAll(async () => {
  if (!hasOpenssl) return;
  folder = await mkdtemp(join(tmpdir(), 'pacsload-tls-'));
  await makeCertificates();
}, 60_000);

afterAll(async () => {
  if (folder !== '') await rm(folder, { recursive: true, force: true });
});

function tls(overrides: Partial<DimseTls> = {}): DimseTls {
  return { caFile: file('ca.pem'), certFile: undefined, keyFile: undefined, rejectUnauthorized: true, servername: 'pacs.test', ...overrides };
}

async function runOnce(operation: Operation): Promise<string> {
  try {
    return outcomeKey((await operation.run(iteration(3))).outcome);
  } finally {
    await operation.close();
  }
}

const echo = (target: DimseTarget): Promise<string> => runOnce(createDimseEcho(operationSetup(target)));

describe.skipIf(skipWithoutPeer(hasOpenssl))('DIMSE over TLS, node:tls SCP', () => {
  let scp: RecordingScp | undefined;
  afterEach(async () => {
    await scp?.close();
    scp = undefined;
  });
  const start = async (): Promise<RecordingScp> => {
    scp = await startRecordingScp({ tls: { key: await readFile(file('server.key'), 'utf8'), cert: await readFile(file('server.pem'), 'utf8') } });
    return scp;
  };

  it('echoes with the private CA and the certificate name given as servername', async () => {
    const peer = await start();
    expect(await echo(dimseTarget(peer, { tls: tls() }))).toBe('ok');
    expect(peer.echoes).toBe(1);
    expect(peer.requests[0]?.calledAe).toBe(peer.aeTitle);
  });

  it('classifies a certificate that does not name the host, an untrusted CA, and a plain-TCP peer', async () => {
    const peer = await start();
    expect(await echo(dimseTarget(peer, { tls: tls({ servername: undefined }) }))).toBe('network_error_err_tls_cert_altname_invalid');
    expect(await echo(dimseTarget(peer, { tls: tls({ caFile: file('other-ca.pem') }) }))).toMatch(/^network_error_(unable_to_verify_leaf_signature|self_signed_cert_in_chain)$/);
    expect(await echo(dimseTarget(peer, { tls: tls({ caFile: undefined }) }))).toMatch(/^network_error_/);
    expect(peer.echoes).toBe(0);
    // rejectUnauthorized: false accepts any certificate (test setups only).
    expect(await echo(dimseTarget(peer, { tls: tls({ caFile: file('other-ca.pem'), rejectUnauthorized: false }) }))).toBe('ok');

    const plain = await startRecordingScp();
    try {
      // The SCP reads the ClientHello as a malformed PDU: no handshake within the connect timeout.
      expect(await echo(dimseTarget(plain, { tls: tls(), connectTimeoutUs: 1_000_000 }))).not.toBe('ok');
    } finally {
      await plain.close();
    }
  });
});

describe.skipIf(skipWithoutPeer(hasOpenssl && hasDcmtk))('DIMSE over TLS, DCMTK storescp +tls', () => {
  let storescp: ChildProcess | undefined;
  let output = '';
  afterEach(async () => {
    if (storescp !== undefined) await stopProcess(storescp);
    storescp = undefined;
    if (output !== '') await rm(output, { recursive: true, force: true });
    output = '';
  });

  async function startStorescp(peerCertArgs: string[]): Promise<DimseTarget> {
    output = await mkdtemp(join(tmpdir(), 'pacsload-tls-store-'));
    const port = await freePort();
    const args = ['-aet', 'STORESCP', '-od', output, '+tls', file('server.key'), file('server.pem'), ...peerCertArgs, String(port)];
    storescp = spawn('storescp', args, { env: dcmtkEnv, stdio: 'ignore' });
    await waitUntilListening(port, 'storescp');
    return dimseTarget({ host: '127.0.0.1', port, aeTitle: 'STORESCP' });
  }

  it('echoes and stores a study; storescp writes every image', async () => {
    const target = { ...(await startStorescp(['-ic'])), tls: tls() };
    expect(await echo(target)).toBe('ok');
    const params: Partial<OperationParams> = { modality: 'CT', images: 3, imageSizeBytes: 40_000 };
    expect(await runOnce(createDimseStore(operationSetup(target, params)))).toBe('ok');
    expect(await readdir(output)).toHaveLength(3);
  });

  it('authenticates with a client certificate when storescp requires one', async () => {
    const target = await startStorescp(['+cf', file('ca.pem'), '-rc']);
    expect(await echo({ ...target, tls: tls({ certFile: file('client.pem'), keyFile: file('client.key') }) })).toBe('ok');
    // Without one, storescp ends the handshake: a classified outcome, not a crash.
    expect(await echo({ ...target, tls: tls() })).not.toBe('ok');
  });

  it('classifies a server certificate from an untrusted CA', async () => {
    const target = await startStorescp(['-ic']);
    expect(await echo({ ...target, tls: tls({ caFile: file('other-ca.pem') }) })).toMatch(/^network_error_(unable_to_verify_leaf_signature|self_signed_cert_in_chain)$/);
  });
});
