/**
 * The dcmjs-dimse patch edits for C-STORE (src/protocol/dimse/dcmjs-dimse-fixes.md, edits 8a and 8b;
 * docs/architecture.md section 10, defect 4), each with a test that fails on the unpatched
 * library: the library client and a bare library SCP, on real sockets.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, Scp, constants, responses } from '../../../src/protocol/dimse/dcmjs.js';
import type { DcmjsAssociation, DcmjsCStoreRequest, DcmjsCStoreResponse, DcmjsRequest } from '../../../src/protocol/dimse/dcmjs.js';
import { createStoreRequest } from '../../../src/protocol/dimse/store-request.js';
import { CountingStoreStream } from '../../../src/simulator/dimse-store.js';
import type { Writable } from 'node:stream';

const { PresentationContextResult, TransferSyntax } = constants;
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/** What the bare SCP saw. */
interface Seen {
  proposedTransferSyntaxes: string[][];
  receivedBytes: number[];
}
let seen: Seen = { proposedTransferSyntaxes: [], receivedBytes: [] };

class BareStoreScp extends Scp {
  override associationRequested(association: DcmjsAssociation): void {
    for (const { context } of association.getPresentationContexts()) {
      seen.proposedTransferSyntaxes.push([...context.getTransferSyntaxUids()]);
      context.setResult(PresentationContextResult.Accept, context.getTransferSyntaxUids()[0]);
    }
    this.sendAssociationAccept();
  }
  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }
  override createStoreWritableStream(): Writable {
    return new CountingStoreStream();
  }
  override createDatasetFromStoreWritableStream(writable: Writable, _context: unknown, callback: (dataset: never) => void): void {
    seen.receivedBytes.push((writable as CountingStoreStream).bytes);
    callback((writable as CountingStoreStream).toDataset(TransferSyntax.ExplicitVRLittleEndian) as never);
  }
  override cStoreRequest(request: DcmjsCStoreRequest, callback: (response: DcmjsCStoreResponse) => void): void {
    const response = responses.CStoreResponse.fromRequest(request);
    response.setStatus(0x0000);
    callback(response);
  }
}

let server: Server | undefined;
const sockets = new Set<Socket>();

async function startScp(onSocket: (socket: Socket) => void = () => undefined): Promise<number> {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
    new BareStoreScp(socket);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
  seen = { proposedTransferSyntaxes: [], receivedBytes: [] };
});

/** Sends the requests with the library Client; resolves with the client socket's largest write buffer seen, once closed. */
function send(port: number, requestList: DcmjsRequest[], options: Record<string, unknown> = {}): Promise<{ maxBufferedBytes: number }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    for (const request of requestList) client.addRequest(request);
    let maxBufferedBytes = 0;
    client.on('networkError', reject);
    client.send('127.0.0.1', port, 'PACSLOAD-TEST', 'BARE-SCP', options as Parameters<typeof client.send>[4]);
    const socket = (client as unknown as { network: { socket: Socket } }).network.socket;
    const sampler = setInterval(() => {
      maxBufferedBytes = Math.max(maxBufferedBytes, socket.writableLength);
    }, 1);
    client.on('closed', () => {
      clearInterval(sampler);
      setImmediate(() => resolve({ maxBufferedBytes }));
    });
  });
}

function imageRequest(bytes: number): DcmjsRequest {
  const payload = Buffer.alloc(bytes, 7);
  return createStoreRequest({
    sopClassUid: CT_IMAGE_STORAGE,
    sopInstanceUid: '2.25.1',
    transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
    produceChunks: () => [payload.subarray(0, 100), payload.subarray(100)],
  });
}

describe('dcmjs-dimse patches for C-STORE', () => {
  it('defect 4 (edit 8a): sends a pre-encoded data set as it is, not re-encoded from its elements', async () => {
    const port = await startScp();
    await send(port, [imageRequest(300_000)], { transferSyntaxUids: [TransferSyntax.ExplicitVRLittleEndian] });
    // Unpatched, the library encodes the two elements it holds (SOP Class and Instance UID), about 40 bytes.
    expect(seen.receivedBytes).toEqual([300_000]);
  });

  it('defect 4 (edit 8a): writes a large data set with back-pressure, not all at once', async () => {
    // The SCP stops reading for a while, so the kernel's buffers fill and writes queue in the client.
    const port = await startScp((socket) => {
      socket.once('data', () => {
        socket.pause();
        setTimeout(() => socket.resume(), 300);
      });
    });
    const size = 48 * 1024 * 1024;
    const { maxBufferedBytes } = await send(port, [imageRequest(size)], { transferSyntaxUids: [TransferSyntax.ExplicitVRLittleEndian] });
    expect(seen.receivedBytes).toEqual([size]);
    // At most about one PDU (256 KiB, the bare SCP's maximum) plus the socket's high-water mark;
    // unpatched, every PDU is queued at once (tens of MiB).
    expect(maxBufferedBytes).toBeLessThan(1024 * 1024);
  });

  it('edit 8b: proposes only the transfer syntaxes given in send options', async () => {
    const port = await startScp();
    await send(port, [imageRequest(1000)], { transferSyntaxUids: [TransferSyntax.ImplicitVRLittleEndian] });
    // Unpatched, every context proposes Implicit and Explicit VR Little Endian.
    expect(seen.proposedTransferSyntaxes).toEqual([[TransferSyntax.ImplicitVRLittleEndian]]);
  });
});
