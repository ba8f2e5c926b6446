/**
 * The simulator's DIMSE SCP over dcmjs-dimse's Scp: Verification (C-ECHO),
 * Modality Worklist FIND, MPPS (dimse-mpps.ts), Storage (C-STORE into the
 * shared store, dimse-store.ts) and Study Root Query/Retrieve (dimse-qr.ts),
 * with the shared fault injector deciding delays, failures, the association
 * limit and the injected protocol faults (drawn per association and per DIMSE
 * request; dimse-fault-answer.ts sends the broken answers).
 *
 * We own the TCP server instead of using dcmjs-dimse's Server: its `listen(port)`
 * binds every interface and cannot report the port it got for port 0, and its
 * `close()` does not wait for the sockets to close.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { Dataset, Scp, assertDimseFixesInEffect, constants, responses } from '../protocol/dimse/dcmjs.js';
import type {
  DcmjsAssociation,
  DcmjsCEchoRequest,
  DcmjsCEchoResponse,
  DcmjsCFindRequest,
  DcmjsCFindResponse,
  DcmjsCStoreRequest,
  DcmjsCStoreResponse,
  DcmjsDataset,
  DcmjsRequest,
} from '../protocol/dimse/dcmjs.js';
import { STATUS_PENDING, STATUS_SUCCESS } from '../protocol/dimse/status.js';
import type { WorklistItem } from '../synth/worklist.js';
import { localDicomDate } from '../synth/dicom-date.js';
import { ERROR_RATE_COMMENT, type AnswerFaults, type FaultInjector } from './faults.js';
import { matchesWorklistItem, worklistResponseIdentifier } from './dimse-worklist-match.js';
import { CountingStoreStream, STORAGE_SOP_CLASSES, StoredInstanceIndex, answerStore } from './dimse-store.js';
import type { StoreIndexStats } from './dimse-store.js';
import type { Writable } from 'node:stream';
import { MPPS_SOP_CLASS_UID } from '../protocol/dimse/mpps-requests.js';
import type { DcmjsNCreateRequest, DcmjsNSetRequest } from '../protocol/dimse/mpps-requests.js';
import { STUDY_ROOT_FIND_SOP_CLASS_UID, STUDY_ROOT_GET_SOP_CLASS_UID, STUDY_ROOT_MOVE_SOP_CLASS_UID } from '../protocol/dimse/qr-requests.js';
import type { DcmjsCGetRequest, DcmjsCMoveRequest } from '../protocol/dimse/qr-requests.js';
import { MppsStore, answerMppsCreate, answerMppsSet } from './dimse-mpps.js';
import type { DcmjsNCreateResponse, DcmjsNSetResponse } from './dimse-mpps.js';
import { PriorArchive } from './dimse-qr-archive.js';
import type { InstanceStore } from './instance-store.js';
import { answerGet, answerMove, answerStudyRootFind, createQrStats } from './dimse-qr.js';
import { faultStatus, isStatusFault, sendFaultyAnswer } from './dimse-fault-answer.js';
import type { FaultKind } from '../profile/types.js';
import type { DcmjsCGetResponse, DcmjsCMoveResponse, GetRequestor, MoveDestination, QrContext, QrStats } from './dimse-qr.js';

const { PresentationContextResult, SopClass, TransferSyntax } = constants;

export interface DimseSimulatorOptions {
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The called AE title this SCP answers to; others are rejected. */
  aeTitle?: string;
  /** The worklist MWL C-FIND searches. */
  worklist: readonly WorklistItem[];
  faults: FaultInjector;
  /**
   * Status of the pending responses: FF00, or FF01 ("optional keys not
   * supported") as DCMTK's wlmscpfs answers (PS3.4 K.4.1.2.2).
   */
  pendingStatus?: 0xff00 | 0xff01;
  /**
   * Where C-STOREd instances are kept (src/simulator/dimse-store.ts): by
   * default a view over `store`, which defaults to a new store with the default cap.
   */
  storeIndex?: StoredInstanceIndex;
  /** The store shared with the DICOMweb side (src/simulator/instance-store.ts); ignored when `storeIndex` is given. */
  store?: InstanceStore;
  /** The prior studies Q/R answers from (dimse-qr-archive.ts); seed 1 and today by default. */
  priors?: PriorArchive;
  /** C-MOVE destinations by AE title, besides the `<name>:<port>` convention (dimse-qr.ts). */
  moveDestinations?: ReadonlyMap<string, MoveDestination>;
}

export interface DimseSimulatorStats {
  associationsAccepted: number;
  associationsRejected: number;
  /** Associations that ended (release, abort or closed connection) after being accepted. */
  associationsEnded: number;
  echoRequests: number;
  findRequests: number;
  storeRequests: number;
  /** What the store holds (whatever sent it: C-STORE or STOW-RS when shared). */
  stored: StoreIndexStats;
  /** Answers the fault injector turned into failures. */
  failuresInjected: number;
  openConnections: number;
}

export interface RunningDimseSimulator {
  host: string;
  port: number;
  aeTitle: string;
  /** Stops listening and closes every connection; resolves once all are closed. Safe to call twice. */
  close(): Promise<void>;
  stats(): DimseSimulatorStats;
  /** The index of stored studies (UIDs, counts, bytes), a view over the store. */
  readonly storeIndex: StoredInstanceIndex;
  /** The MPPS state machine (dimse-mpps.ts). */
  readonly mpps: MppsStore;
  /** Q/R requests and sub-operations so far (dimse-qr.ts). */
  qrStats(): QrStats;
}

/** C-ECHO failure status: processing failure (PS3.7 C.4.4 and 9.1.5.1.4). */
const STATUS_PROCESSING_FAILURE = 0x0110;
/** C-FIND failure status: refused, out of resources (PS3.4 C.4.1.1.4). */
const STATUS_OUT_OF_RESOURCES = 0xa700;
/** C-FIND on a SOP class we do not serve (PS3.7 C.5.13, SOP class not supported). */
const STATUS_SOP_CLASS_NOT_SUPPORTED = 0x0122;

/** A-ASSOCIATE-RJ parameters, PS3.8 section 9.3.4 (Table 9-21). */
const REJECT_PERMANENT = 1;
const REJECT_TRANSIENT = 2;
const SOURCE_SERVICE_USER = 1;
const SOURCE_SERVICE_PROVIDER_PRESENTATION = 3;
const REASON_CALLED_AE_NOT_RECOGNIZED = 7;
const REASON_LOCAL_LIMIT_EXCEEDED = 2;
/** Injected rejections: permanent 1-1-1 (service-user, no reason given), transient 2-3-1 (presentation, temporary congestion). */
const REASON_NO_REASON_GIVEN = 1;
const REASON_TEMPORARY_CONGESTION = 1;

const SUPPORTED_ABSTRACT_SYNTAXES: readonly string[] = [
  SopClass.Verification,
  SopClass.ModalityWorklistInformationModelFind,
  ...STORAGE_SOP_CLASSES,
  MPPS_SOP_CLASS_UID,
  STUDY_ROOT_FIND_SOP_CLASS_UID,
  STUDY_ROOT_MOVE_SOP_CLASS_UID,
  STUDY_ROOT_GET_SOP_CLASS_UID,
];
/** Uncompressed transfer syntaxes every SCU offers (PS3.5 section 10). */
const SUPPORTED_TRANSFER_SYNTAXES: readonly string[] = [
  TransferSyntax.ImplicitVRLittleEndian,
  TransferSyntax.ExplicitVRLittleEndian,
];

/**
 * dcmjs-dimse's per-connection timers: idle socket, first PDU, between PDUs.
 * Long enough that a configured stall never trips them.
 */
const SCP_TIMEOUTS = { connectTimeout: 10 * 60_000, associationTimeout: 60_000, pduTimeout: 10 * 60_000 };

/** What every connection of one simulator shares. */
interface ScpContext {
  aeTitle: string;
  worklist: readonly WorklistItem[];
  faults: FaultInjector;
  pendingStatus: number;
  counters: Omit<DimseSimulatorStats, 'openConnections' | 'stored'>;
  storeIndex: StoredInstanceIndex;
  mpps: MppsStore;
  qr: QrContext;
  /** Malformed PDUs sent so far: the next one's variant (dimse-fault-pdus.ts malformedPdu). */
  malformedPdusSent: number;
}

/** What every DIMSE answer can have its status set on. */
interface StatusSettable {
  setStatus(status: number): void;
}

class SimulatorScp extends Scp {
  readonly #context: ScpContext;
  readonly #socket: Socket;
  #accepted = false;

  constructor(socket: Socket, context: ScpContext) {
    super(socket, SCP_TIMEOUTS);
    this.#socket = socket;
    this.#context = context;
    this.on('networkError', () => socket.destroy());
    socket.once('close', () => {
      if (!this.#accepted) return;
      this.#context.faults.releaseAssociation();
      this.#context.counters.associationsEnded++;
    });
  }

  override associationRequested(association: DcmjsAssociation): void {
    const { aeTitle, faults, counters } = this.#context;
    if (association.getCalledAeTitle().trim() !== aeTitle) {
      counters.associationsRejected++;
      this.#reject(REJECT_PERMANENT, SOURCE_SERVICE_USER, REASON_CALLED_AE_NOT_RECOGNIZED);
      return;
    }
    // Drawn once per association that reached the SCP (FAULT_POINTS, faults.ts); PS3.8 section 9.3.4.
    const fault = faults.drawFault('association');
    if (fault === 'rejectPermanent' || fault === 'rejectTransient') {
      counters.associationsRejected++;
      if (fault === 'rejectPermanent') this.#reject(REJECT_PERMANENT, SOURCE_SERVICE_USER, REASON_NO_REASON_GIVEN);
      else this.#reject(REJECT_TRANSIENT, SOURCE_SERVICE_PROVIDER_PRESENTATION, REASON_TEMPORARY_CONGESTION);
      return;
    }
    if (!faults.tryAcceptAssociation()) {
      counters.associationsRejected++;
      this.#reject(REJECT_TRANSIENT, SOURCE_SERVICE_PROVIDER_PRESENTATION, REASON_LOCAL_LIMIT_EXCEEDED);
      return;
    }
    this.#accepted = true;
    counters.associationsAccepted++;
    for (const { context } of association.getPresentationContexts()) {
      if (!SUPPORTED_ABSTRACT_SYNTAXES.includes(context.getAbstractSyntaxUid())) {
        context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
        continue;
      }
      // Honour the requestor's order of preference (PS3.8 section 9.3.2.2).
      const transferSyntax = context.getTransferSyntaxUids().find((uid) => SUPPORTED_TRANSFER_SYNTAXES.includes(uid));
      if (transferSyntax === undefined) {
        context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      } else {
        context.setResult(PresentationContextResult.Accept, transferSyntax);
      }
    }
    this.sendAssociationAccept();
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override abort(): void {
    // PS3.8 section 9.3.8: after an A-ABORT the transport connection is closed.
    this.#socket.destroy();
  }

  override cEchoRequest(request: DcmjsCEchoRequest, callback: (response: DcmjsCEchoResponse) => void): void {
    this.#context.counters.echoRequests++;
    const { fault, faults } = this.#drawFault();
    void this.#answerEcho(request, faults).then((response) => this.#deliver(request, fault, [response], ([answer]) => callback(answer!)));
  }

  override cFindRequest(request: DcmjsCFindRequest, callback: (responses: DcmjsCFindResponse[]) => void): void {
    this.#context.counters.findRequests++;
    const { fault, faults } = this.#drawFault();
    const answer =
      request.getAffectedSopClassUid() === STUDY_ROOT_FIND_SOP_CLASS_UID
        ? answerStudyRootFind(request, { ...this.#context.qr, faults }, this.#transferSyntaxOf(request))
        : this.#answerFind(request, faults);
    void answer.then((answers) => this.#deliver(request, fault, answers, callback));
  }

  override nCreateRequest(request: DcmjsNCreateRequest, callback: (response: DcmjsNCreateResponse) => void): void {
    const { fault, faults } = this.#drawFault();
    void answerMppsCreate(request, this.#context.mpps, faults).then((response) =>
      this.#deliver(request, fault, [response], ([answer]) => callback(answer!)),
    );
  }

  override nSetRequest(request: DcmjsNSetRequest, callback: (response: DcmjsNSetResponse) => void): void {
    const { fault, faults } = this.#drawFault();
    void answerMppsSet(request, this.#context.mpps, faults).then((response) =>
      this.#deliver(request, fault, [response], ([answer]) => callback(answer!)),
    );
  }

  override cMoveRequest(request: DcmjsCMoveRequest, callback: (responses: DcmjsCMoveResponse[]) => void): void {
    const { fault, faults } = this.#drawFault();
    void answerMove(request, { ...this.#context.qr, faults }, this.#socket.remoteAddress).then((response) => this.#deliver(request, fault, [response], callback));
  }

  override cGetRequest(request: DcmjsCGetRequest, callback: (responses: DcmjsCGetResponse[]) => void): void {
    const scp = this as unknown as { association?: DcmjsAssociation; sendRequests(request: unknown): void };
    const requestor: GetRequestor = {
      get association() {
        return scp.association;
      },
      socket: this.#socket,
      sendRequests: (subOperation) => scp.sendRequests(subOperation),
    };
    const { fault, faults } = this.#drawFault();
    void answerGet(request, { ...this.#context.qr, faults }, requestor).then((response) => this.#deliver(request, fault, [response], callback));
  }

  /**
   * The fault of one DIMSE request, drawn when it arrives (FAULT_POINTS,
   * faults.ts), and the injector as that request's answer sees it (no error
   * rate when a fault was drawn: FaultInjector.forRequest).
   */
  #drawFault(): { fault: FaultKind | undefined; faults: AnswerFaults } {
    const fault = this.#context.faults.drawFault('dimse');
    return { fault, faults: this.#context.faults.forRequest(fault) };
  }

  /**
   * Sends the answers (the pending ones, then the final one) unless the
   * connection is gone, as the drawn fault says: a status fault replaces them
   * with the final answer alone carrying the fault's status; any other fault
   * breaks the bytes (dimse-fault-answer.ts).
   */
  #deliver<R extends StatusSettable>(
    request: DcmjsRequest,
    fault: FaultKind | undefined,
    answers: R[],
    send: (answers: R[]) => void,
  ): void {
    if (!this.#socket.writable) return;
    if (fault === undefined) {
      send(answers);
      return;
    }
    if (isStatusFault(fault)) {
      const final = answers[answers.length - 1];
      if (final === undefined) return;
      final.setStatus(faultStatus(fault, request.getCommandFieldType()));
      send([final]);
      return;
    }
    const scp = this as unknown as { sendAbort(source: number, reason: number): void };
    const transferSyntax =
      this.#association()?.getAcceptedPresentationContextFromRequest(request)?.getAcceptedTransferSyntaxUid() ??
      TransferSyntax.ImplicitVRLittleEndian;
    sendFaultyAnswer(fault, { socket: this.#socket, sendAbort: (source, reason) => scp.sendAbort(source, reason) }, () => send(answers), {
      dripBytesPerSec: this.#context.faults.dripBytesPerSec,
      malformedVariant: fault === 'malformedPdu' ? this.#context.malformedPdusSent++ : 0,
      datasetExplicitVr: transferSyntax === TransferSyntax.ExplicitVRLittleEndian,
    });
  }

  #transferSyntaxOf(request: DcmjsCFindRequest): string {
    return (
      this.#association()?.getAcceptedPresentationContextFromRequest(request)?.getAcceptedTransferSyntaxUid() ??
      TransferSyntax.ImplicitVRLittleEndian
    );
  }

  /** C-STORE data sets are kept whole up to the store's cap, larger ones counted and refused (dimse-store.ts). */
  override createStoreWritableStream(): Writable {
    return new CountingStoreStream(this.#context.storeIndex.store.maxBytes);
  }

  override createDatasetFromStoreWritableStream(
    writable: Writable,
    acceptedPresentationContext: { getAcceptedTransferSyntaxUid(): string | undefined },
    callback: (dataset: DcmjsDataset) => void,
  ): void {
    const transferSyntax = acceptedPresentationContext.getAcceptedTransferSyntaxUid() ?? TransferSyntax.ImplicitVRLittleEndian;
    callback((writable as CountingStoreStream).toDataset(transferSyntax));
  }

  override cStoreRequest(request: DcmjsCStoreRequest, callback: (response: DcmjsCStoreResponse) => void): void {
    const { counters, storeIndex } = this.#context;
    const { fault, faults } = this.#drawFault();
    // The instance is stored before a fault replaces the answer, so a study aborted mid-send keeps what came before.
    void answerStore(request, { faults, index: storeIndex, counters }).then((response) =>
      this.#deliver(request, fault, [response], ([answer]) => callback(answer!)),
    );
  }

  async #answerEcho(request: DcmjsCEchoRequest, faults: AnswerFaults): Promise<DcmjsCEchoResponse> {
    const { counters } = this.#context;
    await faults.delayAnswer();
    const response = responses.CEchoResponse.fromRequest(request);
    if (faults.shouldFail()) {
      counters.failuresInjected++;
      response.setStatus(STATUS_PROCESSING_FAILURE);
      response.setErrorComment(ERROR_RATE_COMMENT);
    } else {
      response.setStatus(STATUS_SUCCESS);
    }
    return response;
  }

  /** PS3.4 K.4.1.2: one pending response per match, each with its identifier, then the final success. */
  async #answerFind(request: DcmjsCFindRequest, faults: AnswerFaults): Promise<DcmjsCFindResponse[]> {
    const { counters, worklist, pendingStatus } = this.#context;
    const sopClass = request.getAffectedSopClassUid();
    await faults.delayAnswer();
    if (sopClass !== SopClass.ModalityWorklistInformationModelFind) {
      return [this.#findResponse(request, STATUS_SOP_CLASS_NOT_SUPPORTED)];
    }
    if (faults.shouldFail()) {
      counters.failuresInjected++;
      const failed = this.#findResponse(request, STATUS_OUT_OF_RESOURCES);
      failed.setErrorComment(ERROR_RATE_COMMENT);
      return [failed];
    }
    const identifier = request.getDataset()?.getElements() ?? {};
    const transferSyntax =
      this.#association()?.getAcceptedPresentationContextFromRequest(request)?.getAcceptedTransferSyntaxUid() ??
      TransferSyntax.ImplicitVRLittleEndian;
    const answers: DcmjsCFindResponse[] = [];
    for (const item of worklist) {
      if (!matchesWorklistItem(identifier, item)) continue;
      const pending = this.#findResponse(request, pendingStatus);
      pending.setDataset(new Dataset(worklistResponseIdentifier(identifier, item), transferSyntax));
      answers.push(pending);
    }
    answers.push(this.#findResponse(request, STATUS_SUCCESS));
    return answers;
  }

  #findResponse(request: DcmjsCFindRequest, status: number): DcmjsCFindResponse {
    const response = responses.CFindResponse.fromRequest(request);
    // dcmjs-dimse defaults it to Study Root; PS3.7 9.1.2.1 wants the request's SOP class.
    response.setAffectedSopClassUid(request.getAffectedSopClassUid());
    response.setStatus(status);
    return response;
  }

  /** The association dcmjs-dimse's Network keeps after A-ASSOCIATE-RQ; not in its typings. */
  #association(): DcmjsAssociation | undefined {
    return (this as unknown as { association?: DcmjsAssociation }).association;
  }

  #reject(result: number, source: number, reason: number): void {
    this.sendAssociationReject(result, source, reason);
    // PS3.8 section 9.3.4: the connection is closed after A-ASSOCIATE-RJ; end() sends it first.
    this.#socket.end();
  }
}

/**
 * Starts the DIMSE SCP. Resolves once it listens (with the port it got);
 * rejects if it cannot listen.
 */
export async function startDimseSimulator(options: DimseSimulatorOptions): Promise<RunningDimseSimulator> {
  // Without our dcmjs-dimse fixes the SCP misreads commands (fixes 2, 12): refuse rather than answer wrongly.
  assertDimseFixesInEffect();
  const host = options.host ?? '127.0.0.1';
  const aeTitle = options.aeTitle ?? 'PACSLOAD-SIM';
  const context: ScpContext = {
    aeTitle,
    worklist: options.worklist,
    faults: options.faults,
    pendingStatus: options.pendingStatus ?? STATUS_PENDING,
    counters: {
      associationsAccepted: 0,
      associationsRejected: 0,
      associationsEnded: 0,
      echoRequests: 0,
      findRequests: 0,
      storeRequests: 0,
      failuresInjected: 0,
    },
    storeIndex: options.storeIndex ?? new StoredInstanceIndex(options.store),
    mpps: new MppsStore(),
    qr: {
      archive: options.priors ?? new PriorArchive({ seed: 1, date: localDicomDate(new Date()) }),
      faults: options.faults,
      aeTitle,
      moveDestinations: options.moveDestinations ?? new Map(),
      stats: createQrStats(),
    },
    malformedPdusSent: 0,
  };
  context.qr.store = context.storeIndex.store;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    // Nagle's algorithm plus delayed ACKs add about 40 ms per exchange (docs/architecture.md section 10, defect 1).
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new SimulatorScp(socket, context);
  });
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    aeTitle,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
    stats: () => ({ ...context.counters, stored: context.storeIndex.stats(), openConnections: sockets.size }),
    storeIndex: context.storeIndex,
    mpps: context.mpps,
    qrStats: () => ({ ...context.qr.stats }),
  };
}

function listen(server: NetServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
