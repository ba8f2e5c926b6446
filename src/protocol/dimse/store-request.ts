/**
 * C-STORE requests (PS3.7 section 9.1.1) whose data set is already encoded.
 *
 * dcmjs-dimse encodes a request's data set when it sends it, and writes every
 * PDU at once without back-pressure (docs/architecture.md section 10, defect 4). Our patch
 * (src/protocol/dimse/dcmjs-dimse-fixes.md, edit 8a) lets a data set that has a `writePDataTF` method
 * write itself instead; this one writes its pre-encoded chunks with
 * `writeDatasetPdus`. Its chunks are produced when it is sent, so a request
 * list of a whole study holds UIDs, not encoded headers.
 */
import type { Socket } from 'node:net';
import { Dataset, requests } from './dcmjs.js';
import type { DcmjsRequest } from './dcmjs.js';
import { writeDatasetPdus } from './store-pdus.js';

/** A data set that is bytes already, in `transferSyntaxUid`. */
export class PreEncodedDataset extends Dataset {
  readonly #produceChunks: () => readonly Buffer[];

  /**
   * Only SOP Class and SOP Instance UID are kept as elements (dcmjs-dimse reads
   * them to fill the C-STORE command); `produceChunks` returns the encoded
   * data set when it is sent.
   */
  constructor(sopClassUid: string, sopInstanceUid: string, transferSyntaxUid: string, produceChunks: () => readonly Buffer[]) {
    super({ SOPClassUID: sopClassUid, SOPInstanceUID: sopInstanceUid }, transferSyntaxUid);
    this.#produceChunks = produceChunks;
  }

  /** Called by the patched dcmjs-dimse Network in place of encoding (edit 8a). */
  writePDataTF(socket: Socket, presentationContextId: number, maxPduLength: number, onBytes: (bytes: number) => void): void {
    void writeDatasetPdus(socket, presentationContextId, maxPduLength, this.#produceChunks(), onBytes);
  }
}

export interface StoreRequestSpec {
  sopClassUid: string;
  sopInstanceUid: string;
  /** The transfer syntax the chunks are encoded in; propose only this one (see `runAssociation`'s `transferSyntaxUids`). */
  transferSyntaxUid: string;
  produceChunks: () => readonly Buffer[];
}

/** A C-STORE request carrying a pre-encoded data set (Affected SOP Class/Instance UID from `spec`). */
export function createStoreRequest(spec: StoreRequestSpec): DcmjsRequest {
  const dataset = new PreEncodedDataset(spec.sopClassUid, spec.sopInstanceUid, spec.transferSyntaxUid, spec.produceChunks);
  return new requests.CStoreRequest(dataset);
}
