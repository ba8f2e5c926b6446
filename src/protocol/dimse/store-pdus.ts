/**
 * Writes a pre-encoded data set as P-DATA-TF PDUs (PS3.8 section 9.3.5), with
 * back-pressure: it waits for the socket to drain between PDUs, so what is
 * buffered for the kernel stays about one PDU plus the socket's high-water mark
 * whatever the size of the object (docs/architecture.md section 10, defect 4). The payload is
 * written as views of the caller's chunks, never copied.
 */
import type { Socket } from 'node:net';

/** dcmjs-dimse caps PDUs at 4 MiB whatever the peer allows (its `_sendPDataTF`); so do we. */
export const MAX_PDU_LENGTH_CAP = 4 * 1024 * 1024;
/** PDV item header: item length (4), presentation context ID (1), message control header (1) (PS3.8 section 9.3.5.1). */
const PDV_HEADER_BYTES = 6;
/** PDU header: type (1), reserved (1), PDU length (4) (PS3.8 Table 9-22). */
const PDU_HEADER_BYTES = 6;
const P_DATA_TF = 0x04;
/** Message control header bit 1: last fragment (PS3.8 Annex E.2); bit 0 clear: data set, not command. */
const LAST_DATA_FRAGMENT = 0x02;
/**
 * PDUs are handed to the socket in batches of about this many bytes (one
 * writev each), not one by one: with a peer's 16 KiB PDUs that is 16 times
 * fewer system calls. It is also the most a data set adds to the socket's
 * buffer beyond its high-water mark.
 */
export const WRITE_BATCH_BYTES = 256 * 1024;

/**
 * Sends `chunks` (one data set, concatenated in order) to `socket` as data set
 * fragments on presentation context `presentationContextId`. `maxPduLength` is
 * the peer's Maximum Length Received (PS3.8 D.1; 0 = no limit), which bounds
 * each PDU's variable field. `onBytes` is told each PDU's size once written.
 *
 * Resolves when the last PDU is handed to the socket, or early (without error)
 * when the socket closes or fails: the association's owner sees that itself.
 */
export async function writeDatasetPdus(
  socket: Socket,
  presentationContextId: number,
  maxPduLength: number,
  chunks: readonly Buffer[],
  onBytes: (bytes: number) => void = () => undefined,
): Promise<void> {
  const pduLength = maxPduLength === 0 ? MAX_PDU_LENGTH_CAP : Math.min(maxPduLength, MAX_PDU_LENGTH_CAP);
  // A peer announcing less than a PDV header would stall us; send at least one byte per PDU.
  const maxFragment = Math.max(1, pduLength - PDV_HEADER_BYTES);
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  let chunkIndex = 0;
  let chunkOffset = 0;
  let sent = 0;
  let batchedBytes = 0;
  // An empty data set still needs its one (last) fragment.
  do {
    if (socket.destroyed || !socket.writable) return;
    if (batchedBytes === 0) socket.cork();
    const fragment = Math.min(maxFragment, total - sent);
    const last = sent + fragment === total;
    const header = Buffer.allocUnsafe(PDU_HEADER_BYTES + PDV_HEADER_BYTES);
    header[0] = P_DATA_TF;
    header[1] = 0;
    // Lengths in PDUs are big endian (PS3.8 section 9.3.1).
    header.writeUInt32BE(PDV_HEADER_BYTES + fragment, 2);
    header.writeUInt32BE(2 + fragment, 6);
    header[10] = presentationContextId;
    header[11] = last ? LAST_DATA_FRAGMENT : 0;
    socket.write(header);
    let remaining = fragment;
    while (remaining > 0) {
      const chunk = chunks[chunkIndex];
      if (chunk === undefined) throw new Error('writeDatasetPdus: chunks ended early');
      const take = Math.min(remaining, chunk.length - chunkOffset);
      if (take > 0) socket.write(chunk.subarray(chunkOffset, chunkOffset + take));
      remaining -= take;
      chunkOffset += take;
      if (chunkOffset === chunk.length) {
        chunkIndex++;
        chunkOffset = 0;
      }
    }
    sent += fragment;
    batchedBytes += header.length + fragment;
    onBytes(header.length + fragment);
    if (batchedBytes >= WRITE_BATCH_BYTES || sent === total) {
      socket.uncork();
      batchedBytes = 0;
      if (socket.writableNeedDrain) await drained(socket);
    }
  } while (sent < total);
}

/** Resolves on `drain`, or when the socket can no longer drain (closed or failed). */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      socket.off('error', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
    socket.on('error', done);
  });
}
