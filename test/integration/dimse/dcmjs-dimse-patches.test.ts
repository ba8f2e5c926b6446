/**
 * One test per defect that patches/dcmjs-dimse+0.3.3.patch fixes (DESIGN section
 * 10; patches/README.md). Each uses dcmjs-dimse directly, with a bare Scp on a
 * plain net.Server that sets no socket options itself, so the test sees the
 * library's own behaviour; each fails on the unpatched library.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Dataset, Scp, constants, requests, responses } from '../../../src/protocol/dimse/dcmjs.js';
import type {
  DcmjsAssociation,
  DcmjsCEchoRequest,
  DcmjsCEchoResponse,
  DcmjsCFindRequest,
  DcmjsCFindResponse,
  DcmjsRequest,
  DcmjsResponse,
} from '../../../src/protocol/dimse/dcmjs.js';

const { PresentationContextResult, TransferSyntax } = constants;

/** How the bare SCP answers a C-FIND: each answer after its delay. */
interface FindScript {
  answers: Array<{ status: number; withDataset: boolean; delayMs: number }>;
}

let findScript: FindScript = { answers: [] };

class BareScp extends Scp {
  override associationRequested(association: DcmjsAssociation): void {
    for (const { context } of association.getPresentationContexts()) {
      context.setResult(PresentationContextResult.Accept, TransferSyntax.ImplicitVRLittleEndian);
    }
    this.sendAssociationAccept();
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override cEchoRequest(request: DcmjsCEchoRequest, callback: (response: DcmjsCEchoResponse) => void): void {
    const response = responses.CEchoResponse.fromRequest(request);
    // The first echo on an association gets a comment, later ones none.
    const first = request.getMessageId() === 1;
    response.setStatus(first ? 0x0110 : 0x0000);
    if (first) response.setErrorComment('ONLY ON THE FIRST RESPONSE');
    callback(response);
  }

  override cFindRequest(request: DcmjsCFindRequest, callback: (responses: DcmjsCFindResponse[]) => void): void {
    // dcmjs-dimse's callback completes the request and may be called only once, so
    // earlier answers go out through sendResponse() as they become due.
    void (async () => {
      const { answers } = findScript;
      for (const [index, answer] of answers.entries()) {
        await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
        const response = responses.CFindResponse.fromRequest(request);
        response.setAffectedSopClassUid(request.getAffectedSopClassUid());
        response.setStatus(answer.status);
        if (answer.withDataset) response.setDataset(new Dataset({ PatientID: 'PLSYN-000001', PatientName: 'PACSLOAD^SYNTH^00001' }));
        if (index === answers.length - 1) callback([response]);
        else this.sendResponse(request, response);
      }
    })();
  }
}

let server: Server | undefined;
const sockets = new Set<Socket>();

async function startBareScp(): Promise<number> {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new BareScp(socket);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
});

/** Sends `requests` on one association with the bare dcmjs-dimse Client; resolves with every response once closed. */
function send(port: number, requestList: DcmjsRequest[]): Promise<DcmjsResponse[]> {
  return new Promise((resolve, reject) => {
    const received: DcmjsResponse[] = [];
    const client = new Client();
    for (const request of requestList) {
      request.on('response', (response: DcmjsResponse) => received.push(response));
      client.addRequest(request);
    }
    client.on('networkError', reject);
    client.on('closed', () => setImmediate(() => resolve(received)));
    client.send('127.0.0.1', port, 'PACSLOAD-TEST', 'BARE-SCP');
  });
}

function mwlFindRequest(): DcmjsCFindRequest {
  const request = new requests.CFindRequest();
  request.setAffectedSopClassUid(constants.SopClass.ModalityWorklistInformationModelFind);
  request.setDataset(new Dataset({ PatientID: '', ScheduledProcedureStepSequence: [{ Modality: 'CT' }] }));
  return request;
}

describe('dcmjs-dimse patches', () => {
  it('defect 1: sets TCP_NODELAY on client and server sockets, so a C-FIND exchange does not wait for delayed ACKs', async () => {
    // Without TCP_NODELAY, a command PDU followed by its data set PDU (client
    // request, server pending responses) waits for the peer's delayed ACK,
    // about 40 ms on Linux, on every association.
    findScript = {
      answers: [
        { status: 0xff00, withDataset: true, delayMs: 0 },
        { status: 0xff00, withDataset: true, delayMs: 0 },
        { status: 0x0000, withDataset: false, delayMs: 0 },
      ],
    };
    const port = await startBareScp();
    await send(port, [mwlFindRequest()]); // warm-up
    const durationsMs: number[] = [];
    for (let index = 0; index < 15; index++) {
      const startMs = performance.now();
      const received = await send(port, [mwlFindRequest()]);
      durationsMs.push(performance.now() - startMs);
      expect(received).toHaveLength(3);
    }
    durationsMs.sort((a, b) => a - b);
    const medianMs = durationsMs[Math.floor(durationsMs.length / 2)] ?? Infinity;
    // Unpatched: at least 40 ms each. Patched: a few ms of CPU.
    expect(medianMs).toBeLessThan(30);
  });

  it('defect 2: resets the command buffer after a response without a data set, so fields do not leak into the next', async () => {
    await startBareScp().then(async (port) => {
      const received = await send(port, [new requests.CEchoRequest(), new requests.CEchoRequest()]);
      expect(received.map((response) => response.getStatus())).toEqual([0x0110, 0x0000]);
      expect(received[0]?.getErrorComment()).toBe('ONLY ON THE FIRST RESPONSE');
      // Unpatched, the second command is parsed together with the first and inherits its ErrorComment.
      expect(received[1]?.getErrorComment()).toBeUndefined();
    });
  });

  it('defect 3: treats FF01 as pending (PS3.4 K.4.1.2.2), waiting for the final response before releasing', async () => {
    findScript = {
      answers: [
        { status: 0xff01, withDataset: true, delayMs: 0 },
        { status: 0xff01, withDataset: true, delayMs: 50 },
        { status: 0x0000, withDataset: false, delayMs: 50 },
      ],
    };
    const port = await startBareScp();
    const received = await send(port, [mwlFindRequest()]);
    // Unpatched, the first FF01 ends the request and the association is released after one response.
    expect(received.map((response) => response.getStatus())).toEqual([0xff01, 0xff01, 0x0000]);
  });

  it('defect 6: encodes a data set without copying the whole DICOM dictionary each time', () => {
    // Network passes `datasetNameMap: {}` to every encode; unpatched, a non-empty
    // check is missing and the dictionary (thousands of entries) is spread into a new
    // object per data set: about 4 ms per encode instead of well under 1 ms.
    const dataset = new Dataset({ PatientID: 'PLSYN-000001', PatientName: 'PACSLOAD^SYNTH^00001', AccessionNumber: 'A1' });
    dataset.getDenaturalizedDataset({}, {}); // warm-up
    const encodes = 300;
    const startMs = performance.now();
    for (let index = 0; index < encodes; index++) dataset.getDenaturalizedDataset({}, {});
    const perEncodeMs = (performance.now() - startMs) / encodes;
    expect(perEncodeMs).toBeLessThan(2);
  });
});
