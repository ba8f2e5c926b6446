/**
 * Encodes a multipart/related request body for STOW-RS (PS3.18 section 10.5.1:
 * `Content-Type: multipart/related; type="application/dicom"; boundary=...`,
 * one DICOM Part-10 file per part; syntax of RFC 2046 section 5.1.1).
 *
 * The body is returned as a list of buffers that reference the parts rather
 * than copy them, so a study whose instances share one pixel-data buffer costs
 * no copies; the HTTP client writes them in order.
 */
import { randomBytes } from 'node:crypto';

/** One part: its media type and its content as one or more buffers, in order. */
export interface MultipartPart {
  contentType: string;
  content: readonly Buffer[];
}

export interface EncodedMultipart {
  /** The request's Content-Type header value. */
  contentType: string;
  boundary: string;
  /** The body, in order; buffers of the parts are referenced, not copied. */
  chunks: Buffer[];
  /** Total body length, for Content-Length. */
  byteLength: number;
}

/**
 * Encodes `parts` as multipart/related with root type `rootType` (PS3.18 8.6.1.2:
 * the `type` parameter names the parts' media type). `boundary` is for tests;
 * by default a random one is drawn, which no part contains (checked, and redrawn
 * if it does). Throws a TypeError when a given boundary occurs in a part.
 * `checkParts: false` skips the scan, for content that cannot hold `--` at all
 * (the synthetic pixel pattern's high bytes are below 0x10).
 */
export function encodeMultipartRelated(
  parts: readonly MultipartPart[],
  rootType: string,
  boundary?: string,
  checkParts = true,
): EncodedMultipart {
  let chosen = boundary ?? randomBoundary();
  while (checkParts && parts.some((part) => containsDelimiter(part.content, chosen))) {
    if (boundary !== undefined) throw new TypeError(`the boundary ${boundary} occurs in a part`);
    chosen = randomBoundary();
  }
  const chunks: Buffer[] = [];
  parts.forEach((part, index) => {
    // The first boundary needs no CRLF before it; later ones carry it as part of the delimiter.
    const lead = index === 0 ? '' : '\r\n';
    chunks.push(Buffer.from(`${lead}--${chosen}\r\nContent-Type: ${part.contentType}\r\n\r\n`, 'latin1'));
    for (const buffer of part.content) if (buffer.length > 0) chunks.push(buffer);
  });
  chunks.push(Buffer.from(`${parts.length === 0 ? '' : '\r\n'}--${chosen}--\r\n`, 'latin1'));
  const byteLength = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  return {
    // PS3.18 10.5.1.1: STOW requires the type parameter; Orthanc rejects a request without it.
    contentType: `multipart/related; type="${rootType}"; boundary=${chosen}`,
    boundary: chosen,
    chunks,
    byteLength,
  };
}

/** 32 random hex characters behind a fixed prefix: a token, no quoting needed (RFC 2046 bchars). */
function randomBoundary(): string {
  return `pacs-load-${randomBytes(16).toString('hex')}`;
}

/** Does `--boundary` occur in the content, including across the seam of two buffers? */
function containsDelimiter(content: readonly Buffer[], boundary: string): boolean {
  const needle = Buffer.from(`--${boundary}`, 'latin1');
  let previousTail: Buffer = Buffer.alloc(0);
  for (const buffer of content) {
    if (buffer.indexOf(needle) !== -1) return true;
    if (previousTail.length > 0) {
      const seam = Buffer.concat([previousTail, buffer.subarray(0, needle.length - 1)]);
      if (seam.indexOf(needle) !== -1) return true;
    }
    previousTail = buffer.subarray(Math.max(0, buffer.length - (needle.length - 1)));
  }
  return false;
}
