/**
 * runAssociation's outcome classification against real peers on 127.0.0.1:
 * the simulator, and small misbehaving TCP servers.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runAssociation } from '../../../src/protocol/dimse/association.js';
import type { AssociationOptions } from '../../../src/protocol/dimse/association.js';
import { Dataset, requests } from '../../../src/protocol/dimse/dcmjs.js';
import { createEchoRequest, createWorklistFindRequest } from '../../../src/protocol/dimse/requests.js';
import { mwlQueryIdentifier } from '../../../src/operations/mwl-find.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { STEPS_PER_STATION, startTestSimulator } from './helpers.js';
import type { TestSimulator } from './helpers.js';

let running: TestSimulator | undefined;
let rawServer: Server | undefined;
const rawSockets = new Set<Socket>();

afterEach(async () => {
  await running?.simulator.close();
  running = undefined;
  for (const socket of rawSockets) socket.destroy();
  await new Promise((resolve) => (rawServer === undefined ? resolve(undefined) : rawServer.close(resolve)));
  rawServer = undefined;
});

/** A TCP server that hands every accepted socket to `onSocket` (which may ignore it). */
async function startRawServer(onSocket: (socket: Socket) => void): Promise<number> {
  rawServer = createServer((socket) => {
    socket.setNoDelay(true);
    rawSockets.add(socket);
    socket.once('close', () => rawSockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => rawServer?.listen(0, '127.0.0.1', resolve));
  return (rawServer.address() as AddressInfo).port;
}

function options(port: number, overrides: Partial<AssociationOptions> = {}): AssociationOptions {
  return {
    host: '127.0.0.1',
    port,
    callingAe: 'PACSLOAD-TEST',
    calledAe: 'PACSLOAD-SIM',
    connectTimeoutUs: 2_000_000,
    operationTimeoutUs: 5_000_000,
    requests: [createEchoRequest()],
    ...overrides,
  };
}

describe('runAssociation', () => {
  it('returns every response of an MWL C-FIND, pending ones with their identifiers', async () => {
    running = await startTestSimulator();
    const identifier = mwlQueryIdentifier({ station: 'STATION003', modality: 'CT', date: localDicomDate(new Date()) });
    const result = await runAssociation(options(running.simulator.port, { requests: [createWorklistFindRequest(identifier)] }));
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(result.responses.map((response) => response.status)).toEqual([...new Array<number>(STEPS_PER_STATION).fill(0xff00), 0]);
    const first = result.responses[0]?.dataset?.getElements() as Record<string, unknown>;
    expect(JSON.stringify(first['PatientName'])).toContain('PACSLOAD^SYNTH^');
    expect(first['PregnancyStatus']).toBeUndefined();
    const steps = first['ScheduledProcedureStepSequence'] as Array<Record<string, unknown>>;
    expect(steps[0]?.['ScheduledStationAETitle']).toBe('STATION003');
    expect(result.responses.every((response) => response.requestIndex === 0)).toBe(true);
  });

  it('sends several requests on one association, one after the other', async () => {
    running = await startTestSimulator();
    const result = await runAssociation(options(running.simulator.port, { requests: [createEchoRequest(), createEchoRequest()] }));
    expect(result.outcome).toEqual({ kind: 'ok' });
    expect(result.responses.map((response) => response.requestIndex)).toEqual([0, 1]);
    expect(running.simulator.stats()).toMatchObject({ associationsAccepted: 1, echoRequests: 2 });
  });

  it('reports a SOP class the peer did not accept as check-failed', async () => {
    running = await startTestSimulator();
    // Patient Root C-FIND (PS3.4 C.6.1.1): the simulator serves Study Root Q/R only.
    const patientRootFind = '1.2.840.10008.5.1.4.1.2.1.1';
    const patientFind = new requests.CFindRequest();
    patientFind.setAffectedSopClassUid(patientRootFind);
    patientFind.setDataset(new Dataset({ QueryRetrieveLevel: 'PATIENT', PatientID: '' }));
    const result = await runAssociation(options(running.simulator.port, { requests: [patientFind] }));
    expect(result.outcome).toEqual({
      kind: 'check-failed',
      // Named by its PS3.6 name, with the acceptor's result (PS3.8 Table 9-18), not by its UID (issue 14, item 4).
      reason: 'no accepted presentation context for Patient Root Query/Retrieve Information Model - FIND (abstract-syntax-not-supported, provider rejection)',
    });
  });

  it('times out when the peer accepts TCP but never answers the A-ASSOCIATE-RQ', async () => {
    // resume(): read and drop, so the server notices when we close.
    const port = await startRawServer((socket) => socket.resume());
    const startMs = performance.now();
    const result = await runAssociation(options(port, { connectTimeoutUs: 200_000 }));
    expect(result.outcome).toEqual({ kind: 'timeout', reason: 'association: no A-ASSOCIATE-AC within connectTimeout 200 ms' });
    expect(result.setupUs).toBeUndefined();
    expect(result.bytesSent).toBeGreaterThan(0);
    expect(performance.now() - startMs).toBeLessThan(2_000);
    await expect.poll(() => rawSockets.size).toBe(0);
  });

  it('reports a connection closed before the answer as aborted', async () => {
    const port = await startRawServer((socket) => socket.once('data', () => socket.end()));
    const result = await runAssociation(options(port));
    expect(result.outcome).toEqual({ kind: 'aborted', reason: 'connection closed by the peer during association setup' });
  });

  it('reports a reset connection as connection-reset', async () => {
    const port = await startRawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const result = await runAssociation(options(port));
    expect(result.outcome).toEqual({ kind: 'connection-reset', reason: 'read ECONNRESET (during association setup)' });
  });

  it('reports a peer A-ABORT as aborted', async () => {
    // A-ABORT PDU (PS3.8 9.3.8): type 07, reserved, length 4, reserved x2, source 2 (provider), reason 0.
    const abortPdu = Buffer.from([0x07, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x02, 0x00]);
    const port = await startRawServer((socket) => socket.once('data', () => socket.write(abortPdu)));
    const result = await runAssociation(options(port));
    expect(result.outcome).toEqual({ kind: 'aborted', reason: 'A-ABORT from the peer during association setup' });
    await expect.poll(() => rawSockets.size).toBe(0);
  });

  it('reports an unparseable answer as a protocol error', async () => {
    const port = await startRawServer((socket) => socket.once('data', () => socket.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))));
    const result = await runAssociation(options(port));
    expect(result.outcome).toEqual({ kind: 'protocol-error', detail: 'Unknown PDU type: 72' });
  });

  it('ends the association at once when the signal aborts', async () => {
    running = await startTestSimulator({ latencyUs: 5_000_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const startMs = performance.now();
    const result = await runAssociation(options(running.simulator.port, { signal: controller.signal }));
    expect(result.outcome).toEqual({ kind: 'timeout', reason: 'cut off by pacs-load before the answer to C-ECHO (Verification SOP Class)' });
    expect(performance.now() - startMs).toBeLessThan(2_000);
    await expect.poll(() => running?.simulator.stats().openConnections).toBe(0);
  });

  it('does not connect when the signal is already aborted', async () => {
    const result = await runAssociation(options(1, { signal: AbortSignal.abort() }));
    expect(result).toMatchObject({ outcome: { kind: 'timeout' }, bytesSent: 0, bytesReceived: 0 });
  });

  it('rejects an empty request list as a bug', async () => {
    await expect(runAssociation(options(1, { requests: [] }))).rejects.toThrow(/at least one request/);
  });
});
