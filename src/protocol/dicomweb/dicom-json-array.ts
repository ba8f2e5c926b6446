/**
 * A cheap structural check of a DICOM JSON answer (PS3.18 Annex F.2): is it a
 * JSON array, and how many result objects does it hold?
 *
 * Why not JSON.parse: a 100-study QIDO answer is about 110 KB and parsing it costs
 * around a millisecond, which at thousands of searches per second on a 2-core
 * machine would make the load tester, not the PACS, the bottleneck. Instead the
 * first and last non-blank bytes must be `[` and `]`, and results are counted by
 * the JSON key of an attribute every result carries (StudyInstanceUID for
 * studies: PS3.18 Table 10.6.3-3 makes it required), found with Buffer.indexOf,
 * which runs in native code. Keys are 8 upper-case hex digits (PS3.18 F.2.1.1).
 * The count would be too high only if results carried the key inside sequences,
 * which study-level answers do not.
 *
 * The scanner takes the body chunk by chunk as it arrives, so a large answer is
 * never copied into one buffer just to be checked.
 */

export type JsonArrayInspection = { ok: true; count: number } | { ok: false; reason: string };

/**
 * What marks one study result: the JSON key of StudyInstanceUID (0020,000D)
 * without its opening quote. A key is exactly 8 hex digits between quotes, so
 * the closing quote anchors it; leaving out the opening one matters for speed:
 * `"` is the commonest byte of JSON and, as a needle's first byte, makes
 * Buffer.indexOf (V8's string search) two to three times slower.
 */
export const STUDY_INSTANCE_UID_KEY = '0020000D"';
const STUDY_INSTANCE_UID_KEY_BYTES = Buffer.from(STUDY_INSTANCE_UID_KEY, 'latin1');

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;

/** Inspects a whole body; see the file comment. `countKey` marks one result (a DICOM JSON key, see above). */
export function inspectDicomJsonArray(body: Buffer, countKey: string = STUDY_INSTANCE_UID_KEY): JsonArrayInspection {
  const scanner = new DicomJsonArrayScanner(countKey);
  scanner.push(body);
  return scanner.result();
}

/** The same check over a body that arrives in chunks: `push()` each chunk in order, then `result()`. */
export class DicomJsonArrayScanner {
  readonly #key: Buffer;
  #firstByte: number | undefined;
  #lastByte: number | undefined;
  #count = 0;
  #sawObject = false;
  #bytesSeen = 0;
  /** The last key.length - 1 bytes seen, to find a key split across two chunks. */
  #tail: Buffer = Buffer.alloc(0);

  constructor(countKey: string = STUDY_INSTANCE_UID_KEY) {
    this.#key = countKey === STUDY_INSTANCE_UID_KEY ? STUDY_INSTANCE_UID_KEY_BYTES : Buffer.from(countKey, 'latin1');
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let start = 0;
    // A UTF-8 byte order mark is tolerated at the very start (RFC 8259 section 8.1 lets parsers ignore it).
    if (this.#bytesSeen === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    this.#bytesSeen += chunk.length;

    if (this.#firstByte === undefined) {
      while (start < chunk.length && isBlank(chunk[start]!)) start++;
      if (start < chunk.length) this.#firstByte = chunk[start];
    }
    let end = chunk.length - 1;
    while (end >= start && isBlank(chunk[end]!)) end--;
    if (end >= start) this.#lastByte = chunk[end];

    this.#count += this.#keysAcrossBoundary(chunk) + countOccurrences(chunk, this.#key);
    if (this.#count === 0 && !this.#sawObject) this.#sawObject = chunk.indexOf(OPEN_BRACE) !== -1;
    this.#rememberTail(chunk);
  }

  result(): JsonArrayInspection {
    if (this.#firstByte === undefined) return { ok: false, reason: 'empty body' };
    if (this.#firstByte !== OPEN_BRACKET || this.#lastByte !== CLOSE_BRACKET) return { ok: false, reason: 'not a JSON array' };
    if (this.#count === 0 && this.#sawObject) {
      return { ok: false, reason: `results without key ${this.#key.toString('latin1').replaceAll('"', '')}` };
    }
    return { ok: true, count: this.#count };
  }

  /** Keys that start in the previous chunk's tail and end in this chunk. */
  #keysAcrossBoundary(chunk: Buffer): number {
    const tail = this.#tail;
    if (tail.length === 0) return 0;
    const joined = Buffer.concat([tail, chunk.subarray(0, this.#key.length - 1)]);
    let found = 0;
    for (let at = joined.indexOf(this.#key); at !== -1 && at < tail.length; at = joined.indexOf(this.#key, at + 1)) {
      if (at + this.#key.length > tail.length) found++;
    }
    return found;
  }

  #rememberTail(chunk: Buffer): void {
    const keep = this.#key.length - 1;
    // Copied, so a pooled chunk can be reused by its owner.
    this.#tail =
      chunk.length >= keep ? Buffer.from(chunk.subarray(chunk.length - keep)) : Buffer.concat([this.#tail, chunk]).subarray(-keep);
  }
}

function countOccurrences(haystack: Buffer, needle: Buffer): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

function isBlank(byte: number): boolean {
  // JSON whitespace: space, tab, LF, CR (RFC 8259 section 2).
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}
