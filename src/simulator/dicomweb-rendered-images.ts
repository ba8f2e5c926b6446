/**
 * The fixed images the simulator answers WADO-RS `/rendered` with (PS3.18
 * section 10.4.1.1.3; media types of section 8.7.4): an 8 x 8 mid-grey
 * baseline JPEG and an 8 x 8 grey PNG, built once from their specifications
 * (ITU T.81 Annex B for JPEG, PNG ISO/IEC 15948 for PNG). A load test measures
 * the server's path, not its codec, so one small valid image is enough.
 */
import { deflateSync } from 'node:zlib';

/**
 * Baseline JPEG, one 8 x 8 grey component: every coefficient zero, so the scan
 * is one DC difference of category 0 and an end-of-block, each coded with the
 * only code of its one-entry Huffman table ('0'), padded with 1 bits (T.81 F.1.2.3).
 */
export const RENDERED_JPEG: Buffer = Buffer.from([
  0xff, 0xd8, // SOI
  0xff, 0xdb, 0x00, 0x43, 0x00, ...new Array<number>(64).fill(1), // DQT: table 0, all ones
  0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00, // SOF0: 8 bits, 8 x 8, 1 component
  0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, ...new Array<number>(15).fill(0), 0x00, // DHT: DC table 0, one code for category 0
  0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, ...new Array<number>(15).fill(0), 0x00, // DHT: AC table 0, one code for EOB
  0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, // SOS
  0x3f, // scan data: 0 (DC), 0 (EOB), padding
  0xff, 0xd9, // EOI
]);

/** PNG, 8 x 8, 8-bit greyscale, every pixel 128. */
export const RENDERED_PNG: Buffer = buildPng(8, 8, 128);

function buildPng(width: number, height: number, grey: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  // Each scanline starts with filter type 0 (none).
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.fill(grey, y * (width + 1) + 1, (y + 1) * (width + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData), 0);
  return Buffer.concat([length, typeAndData, crc]);
}

/** CRC-32 of ISO 3309 as PNG uses it (node:zlib has crc32 only from Node 22). */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
