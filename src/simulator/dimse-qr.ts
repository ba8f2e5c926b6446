/**
 * The simulator's Study Root Query/Retrieve SCP (PS3.4 Annex C): C-FIND, C-MOVE
 * and C-GET over the seeded prior archive (dimse-qr-archive.ts) and the
 * instances the simulator received (instance-store.ts, by C-STORE or STOW-RS),
 * which are sent as they were received when the transfer syntax allows it,
 * else decoded and re-encoded into the accepted one.
 *
 * C-MOVE destinations (PS3.4 C.4.2.1.4.1) are resolved, first match wins:
 * 1. from the `moveDestinations` map the simulator was started with (AE title -> host and port), as a PACS is configured;
 * 2. by the simulator's convention for the tool's own store SCP, whose port is
 *    chosen at run time: an AE title ending in `:<port>` (for example
 *    `PLSCP:40123`) means "the calling peer's IP address, that port";
 * otherwise the C-MOVE fails with A801 (move destination unknown).
 *
 * Sub-operations run one after the other, on one association to the destination
 * (C-MOVE) or on the requestor's association (C-GET). The final response carries
 * the completed, failed and warning counts (PS3.4 C.4.2.1.5, C.4.3.1.5) and the
 * status: success when all completed, B000 when one or more failed or had a
 * warning, A702 when not one was answered (no association or no accepted
 * presentation context), and the fault injector's error
 * rate answers A702 before any sub-operation.
 */
import type { Socket } from 'node:net';
import { runAssociation } from '../protocol/dimse/association.js';
import { Dataset, requests, responses } from '../protocol/dimse/dcmjs.js';
import type { DcmjsAssociation, DcmjsCFindRequest, DcmjsCFindResponse, DcmjsRequest, DcmjsResponse } from '../protocol/dimse/dcmjs.js';
import type { DcmjsCGetRequest, DcmjsCMoveRequest } from '../protocol/dimse/qr-requests.js';
import { classifyDimseStatus, STATUS_PENDING, STATUS_SUCCESS } from '../protocol/dimse/status.js';
import { createStoreRequest } from '../protocol/dimse/store-request.js';
import { readPart10 } from './dicomweb-part10-reader.js';
import { priorInstanceDataset } from './dimse-qr-archive.js';
import type { InstanceStore, StoredInstance } from './instance-store.js';
import { part10Chunks } from './stored-instance-bytes.js';
import type { PriorArchive } from './dimse-qr-archive.js';
import { findAnswers, queryLevel, retrieveInstances } from './dimse-qr-match.js';
import type { InstanceMatch } from './dimse-qr-match.js';
import { ERROR_RATE_COMMENT, type AnswerFaults } from './faults.js';

export type DcmjsCMoveResponse = InstanceType<typeof responses.CMoveResponse>;
export type DcmjsCGetResponse = InstanceType<typeof responses.CGetResponse>;

export const STATUS_OUT_OF_RESOURCES = 0xa700;
/** C-FIND/C-MOVE/C-GET: identifier does not match SOP class (PS3.4 C.4.1.1.4). */
export const STATUS_IDENTIFIER_DOES_NOT_MATCH = 0xa900;
/** C-MOVE/C-GET: out of resources, unable to perform sub-operations (PS3.4 C.4.2.1.5). */
export const STATUS_UNABLE_TO_PERFORM_SUB_OPERATIONS = 0xa702;
/** C-MOVE: move destination unknown (PS3.4 C.4.2.1.5). */
export const STATUS_MOVE_DESTINATION_UNKNOWN = 0xa801;
/** C-MOVE/C-GET: sub-operations complete, one or more failures or warnings (PS3.4 C.4.2.1.5). */
export const STATUS_SUB_OPERATIONS_WITH_FAILURES = 0xb000;

export interface MoveDestination {
  host: string;
  port: number;
}

export interface QrStats {
  findRequests: number;
  moveRequests: number;
  getRequests: number;
  subOperationsCompleted: number;
  subOperationsFailed: number;
  subOperationsWarning: number;
}

/** What every Q/R request of one simulator shares. */
export interface QrContext {
  archive: PriorArchive;
  /** The injector, or its view for one request (FaultInjector.forRequest). */
  faults: AnswerFaults;
  /** The simulator's AE title, the calling AE of C-MOVE sub-operation associations. */
  aeTitle: string;
  moveDestinations: ReadonlyMap<string, MoveDestination>;
  /** The instances received by C-STORE or STOW-RS, which Q/R searches and retrieves besides the archive (dimse-qr-match.ts). */
  store?: InstanceStore;
  stats: QrStats;
}

export function createQrStats(): QrStats {
  return { findRequests: 0, moveRequests: 0, getRequests: 0, subOperationsCompleted: 0, subOperationsFailed: 0, subOperationsWarning: 0 };
}

/** Timeouts of the simulator's own association to a C-MOVE destination. */
const MOVE_CONNECT_TIMEOUT_US = 5_000_000;
const MOVE_OPERATION_TIMEOUT_US = 10 * 60_000_000;

/** Resolves a Move Destination AE title (see the file comment); undefined when unknown. */
export function resolveMoveDestination(
  aeTitle: string,
  destinations: ReadonlyMap<string, MoveDestination>,
  peerAddress: string | undefined,
): MoveDestination | undefined {
  const trimmed = aeTitle.trim();
  const configured = destinations.get(trimmed);
  if (configured !== undefined) return configured;
  const match = /:(\d{1,5})$/.exec(trimmed);
  if (match === null || peerAddress === undefined) return undefined;
  const port = Number(match[1]);
  return port > 0 && port < 65536 ? { host: peerAddress.replace(/^::ffff:/, ''), port } : undefined;
}

/** PS3.4 C.4.1.2: one pending response per match with its identifier, then success. */
export async function answerStudyRootFind(
  request: DcmjsCFindRequest,
  context: QrContext,
  transferSyntaxUid: string,
): Promise<DcmjsCFindResponse[]> {
  context.stats.findRequests++;
  await context.faults.delayAnswer();
  const reply = (status: number): DcmjsCFindResponse => {
    const response = responses.CFindResponse.fromRequest(request);
    response.setAffectedSopClassUid(request.getAffectedSopClassUid());
    response.setStatus(status);
    return response;
  };
  if (context.faults.shouldFail()) {
    const failed = reply(STATUS_OUT_OF_RESOURCES);
    failed.setErrorComment(ERROR_RATE_COMMENT);
    return [failed];
  }
  const identifier = request.getDataset()?.getElements() ?? {};
  const level = queryLevel(identifier);
  if (level === undefined) return [reply(STATUS_IDENTIFIER_DOES_NOT_MATCH)];
  const answers = findAnswers(context.archive, identifier, level, context.store).map((values) => {
    const pending = reply(STATUS_PENDING);
    pending.setDataset(new Dataset(values, transferSyntaxUid));
    return pending;
  });
  return [...answers, reply(STATUS_SUCCESS)];
}

/** C-MOVE (PS3.4 C.4.2.3): the selected instances go to the destination on a new association. */
export async function answerMove(request: DcmjsCMoveRequest, context: QrContext, peerAddress: string | undefined): Promise<DcmjsCMoveResponse> {
  context.stats.moveRequests++;
  await context.faults.delayAnswer();
  const response = responses.CMoveResponse.fromRequest(request);
  const destinationAe = String(request.getCommandDataset().getElement('MoveDestination') ?? '').trim();
  const destination = resolveMoveDestination(destinationAe, context.moveDestinations, peerAddress);
  if (destination === undefined) {
    response.setStatus(STATUS_MOVE_DESTINATION_UNKNOWN);
    return response;
  }
  if (context.faults.shouldFail()) {
    response.setStatus(STATUS_UNABLE_TO_PERFORM_SUB_OPERATIONS);
    response.setErrorComment(ERROR_RATE_COMMENT);
    return response;
  }
  const matches = retrieveInstances(context.archive, request.getDataset()?.getElements() ?? {}, context.store);
  if (matches.length === 0) return finalResponse(response, context, []);
  // Received instances go as received when they share one transfer syntax, proposed alone (src/protocol/dimse/dcmjs-dimse-fixes.md, edit 8b).
  const syntaxes = new Set(matches.flatMap(({ instance }) => (instance.stored === undefined ? [] : [storedSyntax(instance.stored)])));
  const [onlySyntax] = syntaxes.size === 1 ? [...syntaxes] : [];
  const association = await runAssociation({
    host: destination.host,
    port: destination.port,
    callingAe: context.aeTitle,
    calledAe: destinationAe,
    connectTimeoutUs: MOVE_CONNECT_TIMEOUT_US,
    operationTimeoutUs: MOVE_OPERATION_TIMEOUT_US,
    requests: matches.map((match) => storeSubOperation(match, onlySyntax)),
    ...(onlySyntax === undefined ? {} : { transferSyntaxUids: [onlySyntax] }),
  });
  const statuses: Array<number | undefined> = matches.map(() => undefined);
  for (const answer of association.responses) statuses[answer.requestIndex] = answer.status;
  return finalResponse(response, context, statuses);
}

/** The parts of a dcmjs-dimse Scp a C-GET needs: its association, its socket and `sendRequests`. */
export interface GetRequestor {
  association: DcmjsAssociation | undefined;
  socket: Socket;
  sendRequests(request: DcmjsRequest): void;
}

/** C-GET (PS3.4 C.4.3.3): the selected instances go back as C-STORE sub-operations on the requestor's association. */
export async function answerGet(request: DcmjsCGetRequest, context: QrContext, requestor: GetRequestor): Promise<DcmjsCGetResponse> {
  context.stats.getRequests++;
  await context.faults.delayAnswer();
  const response = responses.CGetResponse.fromRequest(request);
  if (context.faults.shouldFail()) {
    response.setStatus(STATUS_UNABLE_TO_PERFORM_SUB_OPERATIONS);
    response.setErrorComment(ERROR_RATE_COMMENT);
    return response;
  }
  const matches = retrieveInstances(context.archive, request.getDataset()?.getElements() ?? {}, context.store);
  const statuses: Array<number | undefined> = [];
  for (const match of matches) {
    if (!requestor.socket.writable) {
      statuses.push(undefined);
      continue;
    }
    // The requestor chose the transfer syntax when it accepted the SOP class (PS3.4 C.4.3.3): send as received if it is the same.
    const probe = new requests.CStoreRequest(new Dataset({ SOPClassUID: match.instance.sopClassUid, SOPInstanceUID: match.instance.sopInstanceUid }));
    const accepted = requestor.association?.getAcceptedPresentationContextFromRequest(probe)?.getAcceptedTransferSyntaxUid();
    statuses.push(await sendSubOperation(requestor, storeSubOperation(match, accepted)));
  }
  return finalResponse(response, context, statuses);
}

/**
 * The C-STORE sub-operation for one match. A received instance goes as the
 * bytes it arrived as when `transferSyntaxUid` is theirs; otherwise dcmjs
 * decodes it and re-encodes it in the accepted transfer syntax (uncompressed
 * only). Archive instances are built from their attributes.
 */
function storeSubOperation({ study, series, instance }: InstanceMatch, transferSyntaxUid: string | undefined): DcmjsRequest {
  const { stored } = instance;
  if (stored === undefined) return new requests.CStoreRequest(new Dataset(priorInstanceDataset(study, series, instance)));
  const { dataset, syntax } = storedDataset(stored);
  if (transferSyntaxUid === syntax) {
    return createStoreRequest({
      sopClassUid: stored.attributes.sopClassUid,
      sopInstanceUid: stored.attributes.sopInstanceUid,
      transferSyntaxUid: syntax,
      produceChunks: () => dataset,
    });
  }
  return new requests.CStoreRequest(new Dataset(Buffer.concat(dataset), syntax));
}

/** The transfer syntax a received instance is sent in when sent as received. */
function storedSyntax(stored: StoredInstance): string {
  return stored.dataset === undefined ? EXPLICIT_VR_LITTLE_ENDIAN : stored.transferSyntaxUid;
}

/** The data set of a received instance, in chunks; one kept without bytes is rebuilt from its attributes (stored-instance-bytes.ts). */
function storedDataset(stored: StoredInstance): { dataset: readonly Buffer[]; syntax: string } {
  if (stored.dataset !== undefined) return { dataset: [stored.dataset], syntax: stored.transferSyntaxUid };
  const [head, ...rest] = part10Chunks(stored);
  const file = readPart10(head!);
  const datasetOffset = file.ok ? file.datasetOffset : 0;
  return { dataset: [head!.subarray(datasetOffset), ...rest], syntax: EXPLICIT_VR_LITTLE_ENDIAN };
}

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/**
 * Sends one C-STORE on the requestor's association and resolves with its
 * response status, or undefined when the requestor accepted no presentation
 * context for it (it did not offer the SCP role for that SOP class, PS3.4
 * C.4.3.3) or the connection closed first.
 */
function sendSubOperation(requestor: GetRequestor, request: DcmjsRequest): Promise<number | undefined> {
  if (requestor.association?.getAcceptedPresentationContextFromRequest(request) === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onClose = (): void => resolve(undefined);
    requestor.socket.once('close', onClose);
    request.on('response', (answer: DcmjsResponse) => {
      requestor.socket.off('close', onClose);
      resolve(answer.getStatus());
    });
    requestor.sendRequests(request);
  });
}

/** The final C-MOVE/C-GET response: counts (PS3.4 C.4.2.1.5; no Remaining in a final response) and status. */
function finalResponse<T extends DcmjsCMoveResponse | DcmjsCGetResponse>(
  response: T,
  context: QrContext,
  statuses: ReadonlyArray<number | undefined>,
): T {
  let completed = 0;
  let failed = 0;
  let warning = 0;
  for (const status of statuses) {
    const statusClass = status === undefined ? 'failure' : classifyDimseStatus(status);
    if (statusClass === 'success') completed++;
    else if (statusClass === 'warning') warning++;
    else failed++;
  }
  context.stats.subOperationsCompleted += completed;
  context.stats.subOperationsFailed += failed;
  context.stats.subOperationsWarning += warning;
  response.setCompleted(completed);
  response.setFailures(failed);
  response.setWarnings(warning);
  // Not one sub-operation was answered (no association, no accepted context): none could be performed.
  if (statuses.length > 0 && statuses.every((status) => status === undefined)) response.setStatus(STATUS_UNABLE_TO_PERFORM_SUB_OPERATIONS);
  else if (failed > 0 || warning > 0) response.setStatus(STATUS_SUB_OPERATIONS_WITH_FAILURES);
  else response.setStatus(STATUS_SUCCESS);
  return response;
}
