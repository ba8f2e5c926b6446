/**
 * writeDatasetPdus on a real loopback socket: P-DATA-TF framing (PS3.8
 * section 9.3.5 and Annex E.2), fragments no larger than the peer's maximum,
 * the last-fragment bit on the last one only, and the payload intact across
 * chunk boundaries.
 */
import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';
import { writeDatasetPdus } from '../../../src/protocol/dimse/store-pdus.js';

let server: Server | undefined;
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
});

interface Pdv {
  pduType: number;
  presentationContextId: number;
  control: number;
  payload: Buffer;
}

function parsePdus(bytes: Buffer): Pdv[] {
  const pdvs: Pdv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const pduType = bytes[offset]!;
    const pduLength = bytes.readUInt32BE(offset + 2);
    const itemLength = bytes.readUInt32BE(offset + 6);
    expect(itemLength + 4).toBe(pduLength);
    pdvs.push({
      pduType,
      presentationContextId: bytes[offset + 10]!,
      control: bytes[offset + 11]!,
      payload: bytes.subarray(offset + 12, offset + 6 + pduLength),
    });
    offset += 6 + pduLength;
  }
  return pdvs;
}

async function sendAndCollect(chunks: Buffer[], maxPduLength: number): Promise<{ received: Buffer; reported: number }> {
  const received: Buffer[] = [];
  const done = new Promise<void>((resolve) => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (data: Buffer) => received.push(data));
      socket.on('end', resolve);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const client = connect((server!.address() as AddressInfo).port, '127.0.0.1');
  client.setNoDelay(true);
  sockets.add(client);
  await once(client, 'connect');
  let reported = 0;
  await writeDatasetPdus(client, 5, maxPduLength, chunks, (bytes) => (reported += bytes));
  client.end();
  await done;
  return { received: Buffer.concat(received), reported };
}

it('frames a data set as P-DATA-TF PDUs within the peer\'s maximum length', async () => {
  const chunks = [Buffer.from('header-bytes'), Buffer.alloc(0), Buffer.alloc(250, 1), Buffer.from('tail')];
  const { received, reported } = await sendAndCollect(chunks, 106);
  const pdvs = parsePdus(received);
  expect(reported).toBe(received.length);
  expect(pdvs.every((pdv) => pdv.pduType === 0x04 && pdv.presentationContextId === 5)).toBe(true);
  // 266 bytes in fragments of at most 100 (106 - 6 bytes of PDV header).
  expect(pdvs.map((pdv) => pdv.payload.length)).toEqual([100, 100, 66]);
  expect(pdvs.map((pdv) => pdv.control)).toEqual([0x00, 0x00, 0x02]);
  expect(Buffer.concat(pdvs.map((pdv) => pdv.payload))).toEqual(Buffer.concat(chunks));
});

it('sends a large data set whole when the peer sets no limit (0), in PDUs of at most 4 MiB', async () => {
  const chunks = [Buffer.alloc(9 * 1024 * 1024, 3)];
  const { received } = await sendAndCollect(chunks, 0);
  const pdvs = parsePdus(received);
  expect(pdvs.every((pdv) => pdv.payload.length <= 4 * 1024 * 1024 - 6)).toBe(true);
  expect(pdvs.at(-1)?.control).toBe(0x02);
  expect(pdvs.reduce((sum, pdv) => sum + pdv.payload.length, 0)).toBe(9 * 1024 * 1024);
});
