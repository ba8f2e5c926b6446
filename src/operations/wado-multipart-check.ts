/**
 * Checks a WADO-RS multipart/related answer as it streams (PS3.18 section
 * 8.6.1.2): the response is multipart/related with a boundary, it holds exactly
 * the parts asked for, each of the media type asked for, each body of the
 * expected size where the size is known, and the closing boundary arrived.
 * Part bodies are counted, never kept, except the first 132 bytes of each part
 * when a Part-10 file is expected (PS3.10 7.1: preamble and `DICM`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Outcome } from '../metrics/names.js';
import type { HttpExchange } from '../protocol/dicomweb/client.js';
import { parseMediaType } from '../protocol/dicomweb/multipart-media-type.js';
import { MultipartParser } from '../protocol/dicomweb/multipart-parser.js';
import { headerValue } from './dicomweb-setup.js';
import type { OperationResult } from './types.js';

export interface MultipartExpectation {
  /** Parts the request asked for (one per instance or frame). */
  parts: number;
  /** Media types a part may have (its Content-Type, or the root `type` when a part has none). */
  partType: RegExp;
  /** Each part is a DICOM Part-10 file: check its `DICM` prefix. */
  part10?: boolean;
  /** Bytes of each part when it is uncompressed application/octet-stream (a frame of known geometry). */
  uncompressedPartBytes?: number | undefined;
  /** A complete answer with no part at all is ok (the scenario's `expectMatches: false`); otherwise it is `empty`. */
  emptyIsOk?: boolean;
}

const PART10_PREFIX_BYTES = 132;

/** One checker per exchange: pass `onResponseHeaders` and `onBodyChunk` to the client, then `outcome()`. */
export class MultipartAnswerCheck {
  readonly #expected: MultipartExpectation;
  #parser: MultipartParser | undefined;
  #headerProblem: string | undefined;
  /** The declared multipart/related has no usable boundary: no client could split the body (RFC 2046 section 5.1.1). */
  #headerViolation: string | undefined;
  #partProblem: string | undefined;
  #rootType = '';
  #currentType = '';
  #prefix: Buffer[] = [];
  #prefixBytes = 0;
  #partsReceived: number | undefined;

  constructor(expected: MultipartExpectation) {
    this.#expected = expected;
  }

  readonly onResponseHeaders = (status: number, headers: IncomingHttpHeaders): void => {
    if (status < 200 || status >= 300) return;
    const type = parseMediaType(headerValue(headers['content-type']));
    const boundary = type?.parameters.get('boundary');
    if (type?.essence !== 'multipart/related') {
      this.#headerProblem = `content type ${headerValue(headers['content-type']) || '(none)'}, expected multipart/related with a boundary`;
      return;
    }
    // RFC 2046 section 5.1.1: the boundary parameter is required, 1 to 70 characters.
    if (boundary === undefined || boundary.length < 1 || boundary.length > 70) {
      this.#headerViolation = `multipart/related without a valid boundary (${headerValue(headers['content-type'])})`;
      return;
    }
    this.#rootType = type.parameters.get('type') ?? '';
    this.#parser = new MultipartParser(boundary, {
      onPartStart: (_index, partHeaders) => {
        this.#currentType = partHeaders.get('content-type') ?? this.#rootType;
        this.#prefix = [];
        this.#prefixBytes = 0;
        if (!this.#expected.partType.test(this.#currentType)) this.#notePart(`part type ${this.#currentType || '(none)'}`);
      },
      onPartData: (_index, data) => {
        if (this.#expected.part10 !== true || this.#prefixBytes >= PART10_PREFIX_BYTES) return;
        const slice = data.subarray(0, PART10_PREFIX_BYTES - this.#prefixBytes);
        this.#prefix.push(Buffer.from(slice));
        this.#prefixBytes += slice.length;
      },
      onPartEnd: (index, bodyBytes) => {
        if (bodyBytes === 0) this.#notePart(`part ${index + 1} is empty`);
        const expectedBytes = this.#expected.uncompressedPartBytes;
        if (expectedBytes !== undefined && /^application\/octet-stream\b/i.test(this.#currentType) && bodyBytes !== expectedBytes) {
          this.#notePart(`part ${index + 1} has ${bodyBytes} bytes, expected ${expectedBytes}`);
        }
        if (this.#expected.part10 === true) {
          const prefix = Buffer.concat(this.#prefix);
          if (prefix.length < PART10_PREFIX_BYTES || prefix.toString('latin1', 128, 132) !== 'DICM') {
            this.#notePart(`part ${index + 1} is not a DICOM file (no DICM prefix)`);
          }
        }
      },
    });
  };

  readonly onBodyChunk = (chunk: Buffer): void => {
    this.#parser?.push(chunk);
  };

  /**
   * The outcome of the exchange: the client's when it failed, else what the
   * body showed. A body that cannot be split into parts (no declared boundary,
   * the declared boundary not found, no closing delimiter: RFC 2046 section
   * 5.1.1) is a protocol error: no client could use it. A body that parses but
   * holds the wrong parts (count, media type, size, not DICOM) is a check failure.
   */
  outcome(exchange: HttpExchange): Outcome {
    if (exchange.outcome.kind !== 'ok') return exchange.outcome;
    if (this.#headerProblem !== undefined) return { kind: 'check-failed', reason: this.#headerProblem };
    if (this.#headerViolation !== undefined) return { kind: 'protocol-error', detail: this.#headerViolation };
    if (this.#parser === undefined) return { kind: 'check-failed', reason: `HTTP ${exchange.status ?? 0} without a multipart body` };
    const result = this.#parser.finish();
    // Counted and classified, never thrown (issue 4).
    if (!result.complete) return { kind: 'protocol-error', detail: result.reason };
    this.#partsReceived = result.parts;
    if (result.parts === 0) return this.#expected.emptyIsOk === true ? { kind: 'ok' } : { kind: 'empty', reason: `a multipart answer with no parts, ${this.#expected.parts} asked for` };
    if (result.parts !== this.#expected.parts) {
      return { kind: 'check-failed', reason: `${result.parts} parts, expected ${this.#expected.parts}` };
    }
    if (this.#partProblem !== undefined) return { kind: 'check-failed', reason: this.#partProblem };
    return { kind: 'ok' };
  }

  /**
   * The parts of a complete multipart answer (the instances or frames
   * retrieved), after `outcome()`; undefined when the answer was not one.
   */
  partsReceived(): number | undefined {
    return this.#partsReceived;
  }

  /** The first problem found in a part is the one reported. */
  #notePart(problem: string): void {
    this.#partProblem ??= problem;
  }
}

/** `result` with the parts `check` counted as instances retrieved (0 unless the answer was a complete multipart body). */
export function retrievedParts(result: OperationResult, check: MultipartAnswerCheck): OperationResult {
  return { ...result, instancesRetrieved: check.partsReceived() ?? 0 };
}
