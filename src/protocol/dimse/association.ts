/**
 * One DIMSE association as one awaited call: connect, negotiate, send the
 * requests one after the other, release, close. It reports timing, bytes and a
 * classified outcome; it knows nothing of metrics (docs/architecture.md section 2).
 *
 * dcmjs-dimse behaviours this file works around (docs/architecture.md section 10):
 * - its `connectTimeout` is a socket idle timeout that is never cleared, and its
 *   association and PDU timeouts are checked once a second; they are set far
 *   beyond ours, and ours are plain timers that abort the association;
 * - a peer's A-ABORT is not forwarded by its Client, so we listen on its Network;
 * - socket errors reach its listeners as new Error objects without the Node.js
 *   error code, so we listen on the socket itself.
 */
import type { Socket } from 'node:net';
import { Client, assertDimseFixesInEffect, constants, responses } from './dcmjs.js';
import type { DcmjsAssociation, DcmjsCStoreRequest, DcmjsDataset, DcmjsRequest, DcmjsResponse } from './dcmjs.js';
import { credentialForms, redact } from '../../redact.js';
import { outcomeFromFinalStatuses, outcomeFromSocketError } from './outcome.js';
import type { DimseOutcome } from './outcome.js';
import { associationRejectText } from './reject-reason.js';
import { sopClassName } from './sop-class-names.js';
import { isPendingStatus } from './status.js';
import { createDiscardingStoreSink, emptyStoreDataset } from './store-scp.js';

export interface AssociationOptions {
  host: string;
  port: number;
  /** Our AE title (PS3.8 section 9.3.2: up to 16 characters). */
  callingAe: string;
  /** The peer's AE title. */
  calledAe: string;
  /** TCP connect plus A-ASSOCIATE-RQ/AC must finish within this. */
  connectTimeoutUs: number;
  /** The whole association, connect to close, must finish within this. */
  operationTimeoutUs: number;
  /** Sent in order on this association; each waits for the final response of the previous one. */
  requests: readonly DcmjsRequest[];
  /** Aborting it ends the association at once (A-ABORT) with outcome `timeout`. */
  signal?: AbortSignal;
  /**
   * Transfer syntaxes proposed in every presentation context; default Implicit
   * and Explicit VR Little Endian. Pre-encoded C-STORE data sets propose only
   * their own (patched dcmjs-dimse option, src/protocol/dimse/dcmjs-dimse-fixes.md edit 8b).
   */
  transferSyntaxUids?: readonly string[];
  /**
   * C-GET: answers each C-STORE sub-operation the peer sends on this association
   * (PS3.4 C.4.3.3) with the status this returns. The sub-operation's data set is
   * discarded as it arrives (its bytes count in `bytesReceived`); the handler
   * sees the command only. Without it, sub-operations are never answered.
   */
  onStoreRequest?: (request: DcmjsRequest) => number;
  /**
   * The Maximum Length we propose (PS3.8 D.3.3.1; PS3.7 Annex D.1): the largest
   * P-DATA-TF PDU the peer may send us. Default dcmjs-dimse's 262144 bytes.
   * (What we send is bounded by the peer's value in its A-ASSOCIATE-AC.)
   * Patched dcmjs-dimse option, src/protocol/dimse/dcmjs-dimse-fixes.md edit 9.
   */
  maxPduLength?: number;
  /** User Identity Negotiation (PS3.7 D.3.3.7); absent: none is proposed. */
  identity?: UserIdentity;
  /** TLS (PS3.15 Annex B, secure transport connection profiles); absent: plain TCP. */
  secureTransport?: SecureTransport;
}

/**
 * What the User Identity sub-item (item type 58H, PS3.7 D.3.3.7.1) carries:
 * type 1 (username) or type 2 (username and passcode).
 */
export interface UserIdentity {
  username: string;
  /** Present: User-Identity-Type 2 with this as the secondary field. Never logged or reported. */
  passcode?: string;
  /**
   * Ask the acceptor to confirm (Positive-response-requested = 1). When it
   * accepts the association without a User Identity sub-item in its
   * A-ASSOCIATE-AC (item type 59H, PS3.7 D.3.3.7.2), the association is
   * aborted before any request and the outcome is `check-failed`.
   */
  positiveResponseRequested: boolean;
}

/** TLS settings of the association (node:tls connect options, already read from their files). */
export interface SecureTransport {
  /** Trusted CA certificates (PEM); absent: Node's bundled CAs. */
  ca?: string;
  /** Client certificate and key (PEM), for a peer that authenticates us. */
  cert?: string;
  key?: string;
  /** Verify the peer's certificate chain and name (false only for test setups). */
  rejectUnauthorized: boolean;
  /** The name the certificate must carry, and the SNI name (default: `host` when it is a name). Patched option, src/protocol/dimse/dcmjs-dimse-fixes.md edit 10. */
  servername?: string;
}

export interface DimseResponse {
  /** Index into `AssociationOptions.requests` of the request this answers. */
  requestIndex: number;
  status: number;
  /** The identifier or data set of the response, if it carried one. */
  dataset: DcmjsDataset | undefined;
  errorComment: string | undefined;
  /**
   * The request's last response: any status but pending, or a pending status
   * to a request that has no pending responses (C-ECHO, C-STORE, N-*; PS3.7 Annex C).
   */
  final: boolean;
}

export interface AssociationResult {
  outcome: DimseOutcome;
  /** Every response received, pending ones included, in arrival order. */
  responses: DimseResponse[];
  /** TCP connect + A-ASSOCIATE-RQ/AC in integer microseconds; undefined unless the association was accepted. */
  setupUs: number | undefined;
  /** Bytes written to and read from the socket, PDU headers included. */
  bytesSent: number;
  bytesReceived: number;
}

/** The parts of dcmjs-dimse's Client and Network this file reads; they are not in its typings. */
interface ClientInternals {
  network?: {
    socket: Socket;
    association?: DcmjsAssociation;
    on(event: 'abort', listener: () => void): unknown;
  };
}

/** dcmjs-dimse's own timers must never fire before ours: they only get this much extra. */
const LIBRARY_TIMEOUT_MARGIN_MS = 60_000;
/** After the socket closed, how long to wait for dcmjs-dimse's `closed` event before finishing anyway. */
const CLOSE_FALLBACK_MS = 1_000;

/**
 * Runs one association. Resolves once its socket is closed, whatever the target
 * did: refusals, rejections, aborts, failures and timeouts are outcomes. Rejects
 * only for bugs (for example an empty request list). Never leaves a socket open.
 *
 * Outcome, first match wins: our timeout or `signal`; A-ASSOCIATE-RJ; every
 * request answered (the DIMSE status, see `outcomeFromFinalStatuses`); socket
 * error by code; peer A-ABORT; a request whose presentation context the peer
 * did not accept (`check-failed`); else closed early (`aborted`). A protocol
 * error (a malformed PDU, a truncated data set: `protocol-error`) comes right
 * after the identity check, unless a socket error explains it.
 *
 * Every outcome but ok carries a reason in words (issue 14, item 4): the
 * failing response's Error Comment (0000,0902; PS3.7 Annex C), the
 * A-ASSOCIATE-RJ in words (PS3.8 section 9.3.4), which step timed out, the
 * SOP class that got no presentation context.
 */
export function runAssociation(options: AssociationOptions): Promise<AssociationResult> {
  if (options.requests.length === 0) {
    return Promise.reject(new Error('runAssociation needs at least one request'));
  }
  // Without our dcmjs-dimse fixes every request could fail as if the peer had refused it: refuse instead.
  try {
    assertDimseFixesInEffect();
  } catch (error) {
    return Promise.reject(error as Error);
  }
  return new Promise((resolve) => {
    const { requests } = options;
    const startMs = performance.now();
    const responses: DimseResponse[] = [];
    const finalStatuses: Array<number | undefined> = requests.map(() => undefined);
    const finalComments: Array<string | undefined> = requests.map(() => undefined);
    // An Error Comment is the peer's free text: it must not echo our passcode back into a report.
    const secrets = options.identity === undefined ? [] : credentialForms(undefined, options.identity.username, options.identity.passcode);
    let setupUs: number | undefined;
    let rejection: { result: number; source: number; reason: number } | undefined;
    let acceptedAssociation: DcmjsAssociation | undefined;
    let timedOut = false;
    /** Which of our limits ran out: `connectTimeoutUs`, `operationTimeoutUs`, or the caller's signal. */
    let expiredLimit: 'connect' | 'operation' | 'signal' | undefined;
    let peerAborted = false;
    let protocolError: string | undefined;
    let identityUnconfirmed = false;
    let socketErrorCode: string | undefined;
    let socketErrorMessage: string | undefined;
    let settled = false;
    let closeFallbackTimer: NodeJS.Timeout | undefined;

    if (options.signal?.aborted === true) {
      resolve({ outcome: { kind: 'timeout', reason: 'cut off by pacs-load before it started' }, responses, setupUs, bytesSent: 0, bytesReceived: 0 });
      return;
    }

    requests.forEach((request, requestIndex) => {
      const pendingAllowed = hasPendingResponses(request);
      request.on('response', (response: DcmjsResponse) => {
        const status = response.getStatus();
        const rawComment: unknown = response.getErrorComment();
        const errorComment = typeof rawComment === 'string' && rawComment.trim() !== '' ? redact(rawComment, secrets) : undefined;
        responses.push({
          requestIndex,
          status,
          dataset: response.getDataset(),
          errorComment,
          final: !isPendingStatus(status) || !pendingAllowed,
        });
        if (!isPendingStatus(status) || !pendingAllowed) finalComments[requestIndex] = errorComment;
        if (!isPendingStatus(status)) {
          finalStatuses[requestIndex] = status;
        } else if (!pendingAllowed) {
          // PS3.7 Annex C: a pending status is defined for C-FIND, C-GET and C-MOVE only;
          // to any other request it is the final answer, a failure. dcmjs-dimse would
          // wait for more answers, so the request is ended here and the next one goes out.
          finalStatuses[requestIndex] = status;
          (request as unknown as { raiseDoneEvent(): void }).raiseDoneEvent();
        }
      });
    });

    const client = new Client();
    for (const request of requests) client.addRequest(request);
    const libraryTimeoutMs = options.operationTimeoutUs / 1000 + LIBRARY_TIMEOUT_MARGIN_MS;
    client.send(options.host, options.port, options.callingAe, options.calledAe, {
      connectTimeout: libraryTimeoutMs,
      associationTimeout: libraryTimeoutMs,
      pduTimeout: libraryTimeoutMs,
      ...(options.transferSyntaxUids === undefined ? {} : { transferSyntaxUids: [...options.transferSyntaxUids] }),
      ...(options.maxPduLength === undefined ? {} : { maxPduLength: options.maxPduLength }),
      ...(options.identity === undefined ? {} : { userIdentity: userIdentityOption(options.identity) }),
      ...(options.secureTransport === undefined ? {} : { securityOptions: { ...options.secureTransport } }),
    } as Parameters<typeof client.send>[4]);
    const network = (client as unknown as ClientInternals).network;
    if (network === undefined) throw new Error('dcmjs-dimse Client.send() created no network');
    if (options.onStoreRequest !== undefined) answerStoreSubOperations(client, network, options.onStoreRequest);
    const { socket } = network;
    // The patch sets it too; the project rule is to set it on every socket we open.
    socket.setNoDelay(true);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A write after dcmjs-dimse ended the socket itself (it does on a protocol error,
      // then still sends A-RELEASE-RQ) is not the peer's doing.
      if (error.code?.startsWith('ERR_STREAM_') === true) return;
      socketErrorCode ??= error.code ?? 'EUNKNOWN';
      socketErrorMessage ??= error.message;
    });
    // Normally `closed` below finishes; this only guards against a dcmjs-dimse listener failing.
    socket.once('close', () => {
      closeFallbackTimer = setTimeout(finish, CLOSE_FALLBACK_MS);
    });

    /** Ends the association now: A-ABORT (PS3.8 section 7.3) if one exists, then close. */
    const cutOff = (): void => {
      if (socket.destroyed) return;
      if (network.association !== undefined && socket.writable) {
        try {
          client.abort();
        } catch {
          // The A-ABORT is a courtesy; closing the socket is what matters.
        }
      }
      socket.destroy();
    };
    const expireBy = (limit: 'connect' | 'operation' | 'signal') => (): void => {
      if (!timedOut) expiredLimit = limit;
      timedOut = true;
      cutOff();
    };
    const expire = expireBy('signal');
    // Whether TCP connected before a timer fired: dcmjs-dimse's socket says `connecting` until then.
    let tcpConnected = false;
    socket.once('connect', () => {
      tcpConnected = true;
    });
    socket.once('secureConnect', () => {
      tcpConnected = true;
    });
    const connectTimer = setTimeout(expireBy('connect'), options.connectTimeoutUs / 1000);
    const operationTimer = setTimeout(expireBy('operation'), options.operationTimeoutUs / 1000);
    options.signal?.addEventListener('abort', expire, { once: true });

    // The A-ASSOCIATE-AC is the first thing the peer sends; dcmjs-dimse reports it
    // an event-loop turn or two later, so time its arrival on the socket.
    let firstAnswerMs: number | undefined;
    socket.once('data', () => {
      firstAnswerMs = performance.now();
    });
    client.on('associationAccepted', (association: DcmjsAssociation) => {
      setupUs = Math.round(((firstAnswerMs ?? performance.now()) - startMs) * 1000);
      acceptedAssociation = association;
      clearTimeout(connectTimer);
      // PS3.7 D.3.3.7.2: a confirmation was asked for and none came; the requestor
      // may not rely on the identity, so it sends nothing and aborts.
      if (options.identity?.positiveResponseRequested === true && association.getNegotiateUserIdentityServerResponse() !== true) {
        identityUnconfirmed = true;
        cutOff();
      }
    });
    client.on('associationRejected', (reject: { result: number; source: number; reason: number }) => {
      rejection = { result: reject.result, source: reject.source, reason: reject.reason };
      clearTimeout(connectTimer);
    });
    network.on('abort', () => {
      peerAborted = true;
      socket.destroy();
    });
    client.on('networkError', (error: Error) => {
      // Socket errors are recorded by code above (they reach this listener first,
      // so `classify` tells them apart); anything else is a PDU or DIMSE decoding
      // error, after which dcmjs-dimse ends the connection.
      protocolError ??= protocolErrorDetail(error);
    });
    client.on('closed', () => {
      // dcmjs-dimse delivers events through setImmediate; let responses queued
      // before the close arrive first.
      setImmediate(finish);
    });

    function finish(): void {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(operationTimer);
      clearTimeout(closeFallbackTimer);
      options.signal?.removeEventListener('abort', expire);
      socket.destroy();
      resolve({
        outcome: classify(),
        responses,
        setupUs,
        bytesSent: socket.bytesWritten,
        bytesReceived: socket.bytesRead,
      });
    }

    function classify(): DimseOutcome {
      if (timedOut) return { kind: 'timeout', reason: timeoutReason() };
      if (rejection !== undefined) {
        return { kind: 'association-rejected', ...rejection, reasonText: associationRejectText(rejection.result, rejection.source, rejection.reason) };
      }
      if (identityUnconfirmed) {
        return { kind: 'check-failed', reason: 'the SCP accepted the association without confirming the user identity (PS3.7 D.3.3.7.2)' };
      }
      // A broken PDU or data set outranks statuses: answers read around it cannot be trusted.
      if (protocolError !== undefined && socketErrorCode === undefined) return { kind: 'protocol-error', detail: protocolError };
      if (finalStatuses.every((status) => status !== undefined)) {
        return outcomeFromFinalStatuses(finalStatuses as number[], finalComments);
      }
      if (socketErrorCode !== undefined) return outcomeFromSocketError(socketErrorCode, `${socketErrorMessage ?? socketErrorCode} (${stepNow()})`);
      if (peerAborted) return { kind: 'aborted', reason: `A-ABORT from the peer ${stepNow()}` };
      const unaccepted = findUnacceptedRequest();
      if (unaccepted !== undefined) return { kind: 'check-failed', reason: unacceptedReason(unaccepted) };
      return { kind: 'aborted', reason: `connection closed by the peer ${stepNow()}` };
    }

    /** Where the association was when it ended, for reasons: `during association setup`, `before the answer to request 2 of 3`. */
    function stepNow(): string {
      if (acceptedAssociation === undefined) return tcpConnected ? 'during association setup' : 'while connecting';
      const waiting = finalStatuses.findIndex((status) => status === undefined);
      if (waiting < 0) return 'after every answer';
      const request = requests[waiting] as DcmjsRequest;
      const which = requests.length === 1 ? '' : ` (request ${waiting + 1} of ${requests.length})`;
      return `before the answer to ${requestName(request)}${which}`;
    }

    function timeoutReason(): string {
      if (expiredLimit === 'signal') return `cut off by pacs-load ${stepNow()}`;
      const limitMs = Math.round((expiredLimit === 'connect' ? options.connectTimeoutUs : options.operationTimeoutUs) / 1000);
      const limit = expiredLimit === 'connect' ? `connectTimeout ${limitMs} ms` : `timeout ${limitMs} ms`;
      if (!tcpConnected) return `connect: no TCP connection to ${options.host}:${options.port} within ${limit}`;
      if (acceptedAssociation === undefined && rejection === undefined) return `association: no A-ASSOCIATE-AC within ${limit}`;
      return `response: no answer ${stepNow().replace(/^before the answer /, '')} within ${limit}`;
    }

    /** PS3.8 section 9.3.3.2 (Table 9-18): why the peer did not accept the context, when it said. */
    function unacceptedReason(request: DcmjsRequest): string {
      const uid = request.getAffectedSopClassUid() ?? request.getRequestedSopClassUid();
      const context = acceptedAssociation
        ?.getPresentationContexts()
        .find(({ context: candidate }) => candidate.getAbstractSyntaxUid() === uid)?.context;
      const why = context === undefined ? undefined : PRESENTATION_CONTEXT_RESULT[context.getResult()];
      return `no accepted presentation context for ${sopClassName(uid)}${why === undefined ? '' : ` (${why})`}`;
    }

    function findUnacceptedRequest(): DcmjsRequest | undefined {
      if (acceptedAssociation === undefined) return undefined;
      const association = acceptedAssociation;
      return requests.find(
        (request, index) =>
          finalStatuses[index] === undefined && association.getAcceptedPresentationContextFromRequest(request) === undefined,
      );
    }
  });
}

/** PS3.8 Table 9-18: the Result/Reason of a presentation context the acceptor did not accept. */
const PRESENTATION_CONTEXT_RESULT: Readonly<Record<number, string>> = {
  1: 'user-rejection',
  2: 'no-reason, provider rejection',
  3: 'abstract-syntax-not-supported, provider rejection',
  4: 'transfer-syntaxes-not-supported, provider rejection',
};

/** PS3.7 Annex E Command Field values, for reasons (`C-STORE`, `N-CREATE`). */
const COMMAND_NAMES: Readonly<Record<number, string>> = {
  0x0001: 'C-STORE',
  0x0010: 'C-GET',
  0x0020: 'C-FIND',
  0x0021: 'C-MOVE',
  0x0030: 'C-ECHO',
  0x0100: 'N-EVENT-REPORT',
  0x0110: 'N-GET',
  0x0120: 'N-SET',
  0x0130: 'N-ACTION',
  0x0140: 'N-CREATE',
  0x0150: 'N-DELETE',
};

/** `N-CREATE (Modality Performed Procedure Step SOP Class)`. */
function requestName(request: DcmjsRequest): string {
  const command = COMMAND_NAMES[request.getCommandFieldType()] ?? 'the request';
  return `${command} (${sopClassName(request.getAffectedSopClassUid() ?? request.getRequestedSopClassUid())})`;
}

/** Command Field values of C-FIND-RQ, C-GET-RQ and C-MOVE-RQ (PS3.7 Annex E): the requests that may get pending responses. */
const PENDING_SERVICE_COMMANDS: ReadonlySet<number> = new Set([0x0020, 0x0010, 0x0021]);

function hasPendingResponses(request: DcmjsRequest): boolean {
  return PENDING_SERVICE_COMMANDS.has(request.getCommandFieldType());
}

/** dcmjs-dimse's message without its log prefix ("AE -> Connection error: Unknown PDU type: 10" -> "Unknown PDU type: 10"). */
function protocolErrorDetail(error: Error): string {
  const message = error.message.replace(/^.*-> (?:Connection error: )?/, '');
  return message === '' ? 'malformed PDU' : message;
}

/** dcmjs-dimse's `userIdentity` send option (PS3.7 D.3.3.7.1: type 1 username, type 2 username and passcode). */
function userIdentityOption(identity: UserIdentity): { type: number; positiveResponseRequested: boolean; primaryField: string; secondaryField: string } {
  return {
    type: identity.passcode === undefined ? constants.UserIdentityType.Username : constants.UserIdentityType.UsernameAndPasscode,
    positiveResponseRequested: identity.positiveResponseRequested,
    primaryField: identity.username,
    secondaryField: identity.passcode ?? '',
  };
}

/**
 * Answers the C-STORE sub-operations of a C-GET (PS3.4 C.4.3.3) and makes the
 * Network drop their data sets as they arrive instead of buffering and parsing
 * them (`createStoreWritableStream` and `createDatasetFromStoreWritableStream`
 * are dcmjs-dimse's hooks for this; its Client does not expose them).
 */
function answerStoreSubOperations(
  client: InstanceType<typeof Client>,
  network: object,
  status: (request: DcmjsRequest) => number,
): void {
  Object.assign(network, {
    createStoreWritableStream: () => createDiscardingStoreSink().stream,
    createDatasetFromStoreWritableStream: (_writable: unknown, _context: unknown, callback: (dataset: unknown) => void) => {
      callback(emptyStoreDataset());
    },
  });
  client.on('cStoreRequest', (request: DcmjsCStoreRequest, callback: (response: DcmjsResponse) => void) => {
    const response = responses.CStoreResponse.fromRequest(request);
    response.setStatus(status(request));
    callback(response);
  });
}
