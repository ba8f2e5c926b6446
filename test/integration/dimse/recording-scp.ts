/**
 * A small Verification SCP for the association-option tests: it records the raw
 * A-ASSOCIATE-RQ bytes of every association (parsed here, independently of
 * dcmjs-dimse) and answers C-ECHO. Plain TCP or TLS (node:tls) on 127.0.0.1.
 * Optionally it confirms User Identity negotiation (PS3.7 D.3.3.7.2).
 */
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Scp, constants, responses } from '../../../src/protocol/dimse/dcmjs.js';
import type {
  DcmjsAssociation,
  DcmjsCEchoRequest,
  DcmjsCEchoResponse,
  DcmjsCStoreRequest,
  DcmjsCStoreResponse,
} from '../../../src/protocol/dimse/dcmjs.js';

export interface ParsedUserIdentity {
  type: number;
  positiveResponseRequested: number;
  primary: string;
  secondary: string;
}

/** What one A-ASSOCIATE-RQ (PS3.8 section 9.3.2) said, read from its bytes. */
export interface ParsedAssociateRq {
  callingAe: string;
  calledAe: string;
  /** Maximum Length sub-item (51H, PS3.8 D.3.3.1). */
  maxPduLength: number | undefined;
  /** User Identity sub-item (58H, PS3.7 D.3.3.7.1). */
  userIdentity: ParsedUserIdentity | undefined;
}

/**
 * Parses an A-ASSOCIATE-RQ PDU: type 01H, reserved, 4-byte length, then 68 bytes
 * of fixed fields (protocol version, reserved, called AE 16, calling AE 16,
 * reserved 32) and the variable items; the User Information item (50H) holds
 * the sub-items.
 */
export function parseAssociateRq(pdu: Buffer): ParsedAssociateRq {
  if (pdu[0] !== 0x01) throw new Error(`not an A-ASSOCIATE-RQ: PDU type ${pdu[0]}`);
  const end = 6 + pdu.readUInt32BE(2);
  const result: ParsedAssociateRq = {
    calledAe: pdu.toString('ascii', 10, 26).trim(),
    callingAe: pdu.toString('ascii', 26, 42).trim(),
    maxPduLength: undefined,
    userIdentity: undefined,
  };
  let offset = 74;
  while (offset < end) {
    const itemType = pdu[offset]!;
    const itemLength = pdu.readUInt16BE(offset + 2);
    if (itemType === 0x50) {
      let sub = offset + 4;
      while (sub < offset + 4 + itemLength) {
        const subType = pdu[sub]!;
        const subLength = pdu.readUInt16BE(sub + 2);
        const value = pdu.subarray(sub + 4, sub + 4 + subLength);
        if (subType === 0x51) result.maxPduLength = value.readUInt32BE(0);
        if (subType === 0x58) {
          const primaryLength = value.readUInt16BE(2);
          const secondaryLength = value.readUInt16BE(4 + primaryLength);
          result.userIdentity = {
            type: value[0]!,
            positiveResponseRequested: value[1]!,
            primary: value.toString('utf8', 4, 4 + primaryLength),
            secondary: value.toString('utf8', 6 + primaryLength, 6 + primaryLength + secondaryLength),
          };
        }
        sub += 4 + subLength;
      }
    }
    offset += 4 + itemLength;
  }
  return result;
}

export interface RecordingScpOptions {
  /** Listen with TLS using this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Answer a User Identity sub-item with its confirmation (59H). */
  confirmIdentity?: boolean;
  /** Accept CT Image Storage and answer every C-STORE with success. */
  acceptStorage?: boolean;
  /** The Maximum Length this SCP answers in its A-ASSOCIATE-AC (what the requestor may send it). */
  maxPduLength?: number;
  /** Answer every C-ECHO with 0110 (processing failure) and this Error Comment (0000,0902) instead of success. */
  echoFailureComment?: (request: ParsedAssociateRq | undefined) => string;
}

export interface RecordingScp {
  host: string;
  port: number;
  aeTitle: string;
  /** One per association, in arrival order. */
  requests: ParsedAssociateRq[];
  /** C-ECHO requests answered. */
  echoes: number;
  /** C-STORE requests answered. */
  stores: number;
  /** The length field of every P-DATA-TF PDU (04H) received (PS3.8 section 9.3.5). */
  pDataLengths: number[];
  close(): Promise<void>;
}

const AE_TITLE = 'RECORDER';
/** CT Image Storage (PS3.6 Annex A); dcmjs-dimse's constants lack it at run time despite its typings. */
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export async function startRecordingScp(options: RecordingScpOptions = {}): Promise<RecordingScp> {
  const sockets = new Set<Socket>();
  const scp: RecordingScp = { host: '127.0.0.1', port: 0, aeTitle: AE_TITLE, requests: [], echoes: 0, stores: 0, pDataLengths: [], close: () => Promise.resolve() };

  class EchoScp extends Scp {
    override associationRequested(association: DcmjsAssociation): void {
      if (options.maxPduLength !== undefined) association.setMaxPduLength(options.maxPduLength);
      if (options.confirmIdentity === true && association.getNegotiateUserIdentity()) {
        association.setNegotiateUserIdentityServerResponse(true);
        association.setUserIdentityServerResponse('');
      }
      for (const { context } of association.getPresentationContexts()) {
        const storage = options.acceptStorage === true && context.getAbstractSyntaxUid() === CT_IMAGE_STORAGE;
        if (storage) {
          context.setResult(constants.PresentationContextResult.Accept, context.getTransferSyntaxUids()[0]);
        } else if (context.getAbstractSyntaxUid() === constants.SopClass.Verification) {
          context.setResult(constants.PresentationContextResult.Accept, constants.TransferSyntax.ImplicitVRLittleEndian);
        } else {
          context.setResult(constants.PresentationContextResult.RejectAbstractSyntaxNotSupported);
        }
      }
      this.sendAssociationAccept();
    }

    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
    }

    override cEchoRequest(request: DcmjsCEchoRequest, callback: (response: DcmjsCEchoResponse) => void): void {
      scp.echoes++;
      const response = responses.CEchoResponse.fromRequest(request);
      if (options.echoFailureComment === undefined) {
        response.setStatus(constants.Status.Success);
      } else {
        response.setStatus(constants.Status.ProcessingFailure);
        response.setErrorComment(options.echoFailureComment(scp.requests.at(-1)));
      }
      callback(response);
    }

    override cStoreRequest(request: DcmjsCStoreRequest, callback: (response: DcmjsCStoreResponse) => void): void {
      scp.stores++;
      const response = responses.CStoreResponse.fromRequest(request);
      response.setStatus(constants.Status.Success);
      callback(response);
    }
  }

  const onSocket = (socket: Socket): void => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Walk the PDU stream (type, reserved, 4-byte length; PS3.8 section 9.3.1) beside the SCP.
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 6 && pending.length >= 6 + pending.readUInt32BE(2)) {
        const length = pending.readUInt32BE(2);
        if (pending[0] === 0x01) scp.requests.push(parseAssociateRq(pending.subarray(0, 6 + length)));
        if (pending[0] === 0x04) scp.pDataLengths.push(length);
        pending = pending.subarray(6 + length);
      }
    });
    new EchoScp(socket, { connectTimeout: 60_000, associationTimeout: 60_000, pduTimeout: 60_000 });
  };
  const server: Server = options.tls === undefined ? createTcpServer(onSocket) : createTlsServer(options.tls, onSocket);
  // A client that fails verification ends the handshake; that is not an error here.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  scp.port = (server.address() as AddressInfo).port;
  scp.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return scp;
}
