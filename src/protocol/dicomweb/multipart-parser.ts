/**
 * A streaming multipart/related parser for WADO-RS answers (PS3.18 section
 * 8.6.1.2; syntax of RFC 2046 section 5.1.1). Chunks are pushed as they arrive;
 * the parser reports each part's headers, its body bytes as they stream (never
 * copied into one buffer), and its end. It keeps at most one delimiter's worth
 * of bytes between chunks (plus a part's header block), so a 350 MB study is
 * counted, not buffered.
 *
 * The grammar, in the parser's terms:
 *   preamble, "--" boundary, padding, CRLF,
 *   then per part: headers, CRLF CRLF (or one CRLF when there are none), body,
 *   "CRLF--" boundary, then "--" for the last part or padding CRLF for the next,
 *   then an epilogue that is ignored.
 * Transport padding is linear white space before the CRLF of a boundary line
 * (RFC 2046 5.1.1). A CRLF inside binary data is data unless "--" and the
 * boundary follow it, which a sender must make impossible by its choice of boundary.
 *
 * Never throws for malformed input: `finish()` says what went wrong, so the
 * operation can classify it as a response check failure.
 */

/** What the parser tells its caller. Callbacks must not throw. */
export interface MultipartHandler {
  /** A part's header block was read: names lower case, values trimmed. `index` counts from 0. */
  onPartStart?(index: number, headers: ReadonlyMap<string, string>): void;
  /** Body bytes of the current part, in order; the buffer may be a view into a pushed chunk. */
  onPartData?(index: number, data: Buffer): void;
  /** The current part ended; `bodyBytes` is its body length. */
  onPartEnd?(index: number, bodyBytes: number): void;
}

export type MultipartResult =
  /** The closing delimiter was read: every part is whole. */
  | { complete: true; parts: number; bodyBytes: number }
  /** The body ended early or was malformed; `parts` counts the parts that ended. */
  | { complete: false; parts: number; bodyBytes: number; reason: string };

/** A header block longer than this is not a DICOMweb part header; stop rather than buffer it. */
export const MAX_PART_HEADER_BYTES = 16 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const SPACE = 0x20;
const TAB = 0x09;
const CRLF_CRLF = Buffer.from('\r\n\r\n', 'latin1');

type State = 'preamble' | 'boundary-line' | 'headers' | 'body' | 'epilogue' | 'failed';

export class MultipartParser {
  readonly #handler: MultipartHandler;
  /** `CRLF--boundary`: what ends a part's body (RFC 2046 5.1.1, delimiter). */
  readonly #delimiter: Buffer;
  #state: State = 'preamble';
  /** Bytes held back between chunks: a possible delimiter prefix, a header block, a boundary line. */
  #carry: Buffer;
  #partIndex = -1;
  #partBytes = 0;
  #partsEnded = 0;
  #bodyBytes = 0;
  #failure = '';

  /** `boundary` is the Content-Type parameter, unquoted (1-70 characters, RFC 2046 5.1.1). */
  constructor(boundary: string, handler: MultipartHandler = {}) {
    if (boundary.length < 1 || boundary.length > 70) throw new TypeError(`a multipart boundary has 1-70 characters, got ${boundary.length}`);
    this.#delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.#handler = handler;
    // The first boundary may start the body with no CRLF before it (RFC 2046 5.1.1:
    // the CRLF belongs to the delimiter, and an empty preamble has none); pretending
    // one was there lets one search rule find every boundary.
    this.#carry = Buffer.from('\r\n', 'latin1');
  }

  /** Parses the next chunk of the body. */
  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.#state === 'epilogue' || this.#state === 'failed') return;
    let data = this.#carry.length === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    this.#carry = EMPTY;
    while (data.length > 0) {
      const rest = this.#step(data);
      if (rest === undefined) return;
      data = rest;
    }
  }

  /** Call when the body ended: the result says whether it was whole. */
  finish(): MultipartResult {
    const parts = this.#partsEnded;
    const bodyBytes = this.#bodyBytes;
    switch (this.#state) {
      case 'epilogue':
        return { complete: true, parts, bodyBytes };
      case 'failed':
        return { complete: false, parts, bodyBytes, reason: this.#failure };
      case 'preamble':
        return { complete: false, parts, bodyBytes, reason: 'no multipart boundary in the body' };
      case 'body':
      case 'headers':
        return { complete: false, parts, bodyBytes, reason: `the body ended inside part ${this.#partIndex + 1} (no closing boundary)` };
      case 'boundary-line':
        return { complete: false, parts, bodyBytes, reason: `the body ended after part ${parts} without a closing boundary` };
    }
  }

  /** Handles what `data` holds in the current state; returns the unhandled rest, or undefined when all was used or kept. */
  #step(data: Buffer): Buffer | undefined {
    switch (this.#state) {
      case 'preamble':
        return this.#scanForDelimiter(data, false);
      case 'body':
        return this.#scanForDelimiter(data, true);
      case 'boundary-line':
        return this.#boundaryLine(data);
      case 'headers':
        return this.#headers(data);
      case 'epilogue':
      case 'failed':
        return undefined;
    }
  }

  /** Finds the next delimiter; bytes before it are part data (in a body) or ignored (preamble). */
  #scanForDelimiter(data: Buffer, inBody: boolean): Buffer | undefined {
    const at = data.indexOf(this.#delimiter);
    if (at !== -1) {
      if (inBody) {
        this.#emitData(data.subarray(0, at));
        this.#endPart();
      }
      this.#state = 'boundary-line';
      return data.subarray(at + this.#delimiter.length);
    }
    // Keep a tail that could be the start of a delimiter split across chunks.
    const keep = delimiterPrefixAtEnd(data, this.#delimiter);
    if (inBody) this.#emitData(data.subarray(0, data.length - keep));
    if (keep > 0) this.#carry = Buffer.from(data.subarray(data.length - keep));
    return undefined;
  }

  /** After `--boundary`: `--` closes the body; otherwise padding then CRLF opens a part. */
  #boundaryLine(data: Buffer): Buffer | undefined {
    if (data.length < 2) {
      this.#carry = Buffer.from(data);
      return undefined;
    }
    if (data[0] === DASH && data[1] === DASH) {
      // Close delimiter; transport padding, CRLF and the epilogue that may follow are ignored.
      this.#state = 'epilogue';
      return undefined;
    }
    let at = 0;
    while (at < data.length && (data[at] === SPACE || data[at] === TAB)) at++;
    if (at + 1 >= data.length) {
      if (at > MAX_PART_HEADER_BYTES) return this.#fail('transport padding too long after a boundary');
      this.#carry = Buffer.from(data);
      return undefined;
    }
    if (data[at] !== CR || data[at + 1] !== LF) {
      return this.#fail(`a boundary line is followed by other text (part ${this.#partsEnded + 1})`);
    }
    this.#partIndex++;
    this.#partBytes = 0;
    this.#state = 'headers';
    return data.subarray(at + 2);
  }

  /** Reads the header block up to its blank line (none at all is allowed: RFC 2046 5.1.1, body-part). */
  #headers(data: Buffer): Buffer | undefined {
    let headerEnd: number;
    let bodyStart: number;
    if (data.length >= 2 && data[0] === CR && data[1] === LF) {
      headerEnd = 0;
      bodyStart = 2;
    } else {
      const at = data.indexOf(CRLF_CRLF);
      if (at === -1) {
        if (data.length > MAX_PART_HEADER_BYTES) return this.#fail(`part ${this.#partIndex + 1} has a header block over ${MAX_PART_HEADER_BYTES} bytes`);
        this.#carry = Buffer.from(data);
        return undefined;
      }
      headerEnd = at;
      bodyStart = at + 4;
    }
    this.#handler.onPartStart?.(this.#partIndex, parseHeaderBlock(data.subarray(0, headerEnd)));
    this.#state = 'body';
    return data.subarray(bodyStart);
  }

  #emitData(data: Buffer): void {
    if (data.length === 0) return;
    this.#partBytes += data.length;
    this.#bodyBytes += data.length;
    this.#handler.onPartData?.(this.#partIndex, data);
  }

  #endPart(): void {
    this.#partsEnded++;
    this.#handler.onPartEnd?.(this.#partIndex, this.#partBytes);
  }

  #fail(reason: string): undefined {
    this.#state = 'failed';
    this.#failure = reason;
    this.#carry = EMPTY;
    return undefined;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * The length of the longest suffix of `data` that is a proper prefix of
 * `delimiter`: bytes that may turn out to be a delimiter once the next chunk
 * arrives. Only suffixes starting with CR can be, so only those are tried.
 */
function delimiterPrefixAtEnd(data: Buffer, delimiter: Buffer): number {
  const longest = Math.min(delimiter.length - 1, data.length);
  for (let keep = longest; keep > 0; keep--) {
    const start = data.length - keep;
    if (data[start] !== CR) continue;
    if (data.compare(delimiter, 0, keep, start, data.length) === 0) return keep;
  }
  return 0;
}

/** `Name: value` lines (RFC 5322 syntax, as MIME part headers are); folded lines are joined. */
function parseHeaderBlock(block: Buffer): ReadonlyMap<string, string> {
  const headers = new Map<string, string>();
  if (block.length === 0) return headers;
  let lastName = '';
  for (const line of block.toString('latin1').split('\r\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastName !== '') {
      headers.set(lastName, `${headers.get(lastName) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastName = line.slice(0, colon).trim().toLowerCase();
    headers.set(lastName, line.slice(colon + 1).trim());
  }
  return headers;
}
