import { describe, expect, it } from 'vitest';
import { encodeMultipartRelated } from '../../../src/protocol/dicomweb/multipart-encoder.js';
import { parseMediaType } from '../../../src/protocol/dicomweb/multipart-media-type.js';
import { MultipartParser, type MultipartResult } from '../../../src/protocol/dicomweb/multipart-parser.js';

interface ParsedPart {
  headers: Record<string, string>;
  body: Buffer;
  reportedBytes: number | undefined;
}

/** Parses `body` pushed in the given chunks; collects what the handler saw. */
function parse(boundary: string, chunks: readonly Buffer[]): { parts: ParsedPart[]; result: MultipartResult } {
  const parts: ParsedPart[] = [];
  const bodies: Buffer[][] = [];
  const parser = new MultipartParser(boundary, {
    onPartStart(index, headers) {
      expect(index).toBe(parts.length);
      parts.push({ headers: Object.fromEntries(headers), body: Buffer.alloc(0), reportedBytes: undefined });
      bodies.push([]);
    },
    // Copied, since the parser may hand out views of a chunk.
    onPartData: (index, data) => bodies[index]!.push(Buffer.from(data)),
    onPartEnd(index, bodyBytes) {
      parts[index]!.reportedBytes = bodyBytes;
    },
  });
  for (const chunk of chunks) parser.push(chunk);
  const result = parser.finish();
  parts.forEach((part, index) => (part.body = Buffer.concat(bodies[index]!)));
  return { parts, result };
}

const text = (value: string): Buffer => Buffer.from(value, 'latin1');

/** Binary data full of what could confuse a parser: CRLFs, dashes, a boundary prefix. */
function trickyBinary(boundary: string, length: number): Buffer {
  const pattern = Buffer.concat([text(`\r\n\r\n--${boundary.slice(0, -1)}\r\n-`), Buffer.from([0, 255, 13, 10, 13])]);
  const out = Buffer.alloc(length);
  for (let at = 0; at < length; at++) out[at] = pattern[at % pattern.length]!;
  return out;
}

describe('parseMediaType', () => {
  it('reads the boundary and type of a multipart/related content type, quoted or not', () => {
    const parsed = parseMediaType('Multipart/Related; type="application/dicom"; boundary=Ab_12;transfer-syntax=*');
    expect(parsed?.essence).toBe('multipart/related');
    expect(parsed?.parameters.get('type')).toBe('application/dicom');
    expect(parsed?.parameters.get('boundary')).toBe('Ab_12');
    expect(parsed?.parameters.get('transfer-syntax')).toBe('*');
    expect(parseMediaType('multipart/related; boundary="a \\"quoted\\" b; c"')?.parameters.get('boundary')).toBe('a "quoted" b; c');
  });

  it('returns undefined without a type/subtype', () => {
    expect(parseMediaType(undefined)).toBeUndefined();
    expect(parseMediaType('')).toBeUndefined();
    expect(parseMediaType('garbage; boundary=x')).toBeUndefined();
  });
});

describe('MultipartParser', () => {
  const boundary = 'b0undary';

  it('reads parts with headers, bodies and byte counts', () => {
    const body = text(
      `--${boundary}\r\nContent-Type: application/dicom\r\nContent-Location: /x/1\r\n\r\nfirst\r\n--${boundary}\r\n` +
        `Content-Type: application/octet-stream\r\n\r\nsecond part\r\n--${boundary}--\r\n`,
    );
    const { parts, result } = parse(boundary, [body]);
    expect(result).toEqual({ complete: true, parts: 2, bodyBytes: 16 });
    expect(parts.map((part) => part.body.toString('latin1'))).toEqual(['first', 'second part']);
    expect(parts.map((part) => part.reportedBytes)).toEqual([5, 11]);
    expect(parts[0]!.headers).toEqual({ 'content-type': 'application/dicom', 'content-location': '/x/1' });
  });

  it('keeps CRLF and dashes inside binary data as data', () => {
    const binary = trickyBinary(boundary, 5000);
    const body = Buffer.concat([text(`--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`), binary, text(`\r\n--${boundary}--`)]);
    const { parts, result } = parse(boundary, [body]);
    expect(result.complete).toBe(true);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.body.equals(binary)).toBe(true);
  });

  it('ignores a preamble, transport padding and an epilogue', () => {
    const body = text(
      `This is a preamble.\r\n--${boundary} \t\r\nContent-Type: text/plain\r\n\r\nA\r\n--${boundary}  \r\n\r\nB\r\n--${boundary}-- \r\nan epilogue\r\n`,
    );
    const { parts, result } = parse(boundary, [body]);
    expect(result).toEqual({ complete: true, parts: 2, bodyBytes: 2 });
    expect(parts.map((part) => part.body.toString('latin1'))).toEqual(['A', 'B']);
    // A part without headers is allowed (RFC 2046 5.1.1: MIME-part-headers may be empty).
    expect(parts[1]!.headers).toEqual({});
  });

  it('handles empty parts and an empty multipart body', () => {
    const { parts, result } = parse(boundary, [text(`--${boundary}\r\nContent-Type: a/b\r\n\r\n\r\n--${boundary}--`)]);
    expect(result).toEqual({ complete: true, parts: 1, bodyBytes: 0 });
    expect(parts[0]!.reportedBytes).toBe(0);
    expect(parse(boundary, [text(`--${boundary}--\r\n`)]).result).toEqual({ complete: true, parts: 0, bodyBytes: 0 });
  });

  it('reports a missing closing boundary as incomplete, without throwing', () => {
    const truncated = parse(boundary, [text(`--${boundary}\r\nContent-Type: a/b\r\n\r\npartial data`)]);
    expect(truncated.result).toMatchObject({ complete: false, parts: 0 });
    expect((truncated.result as { reason: string }).reason).toMatch(/no closing boundary/);
    const afterPart = parse(boundary, [text(`--${boundary}\r\n\r\nA\r\n--${boundary}\r\n`)]);
    expect(afterPart.result).toMatchObject({ complete: false, parts: 1 });
    const endsAtDelimiter = parse(boundary, [text(`--${boundary}\r\n\r\nA\r\n--${boundary}`)]);
    expect(endsAtDelimiter.result).toMatchObject({ complete: false, parts: 1 });
  });

  it('reports a body without any boundary, and garbage after a boundary', () => {
    expect(parse(boundary, [text('<html>login</html>')]).result).toEqual({
      complete: false,
      parts: 0,
      bodyBytes: 0,
      reason: 'no multipart boundary in the body',
    });
    expect(parse(boundary, [text(`--${boundary}xyz\r\n\r\nA\r\n--${boundary}--`)]).result).toMatchObject({ complete: false });
  });

  it('stops at an oversized header block instead of buffering it', () => {
    const huge = text(`--${boundary}\r\nX-Big: ${'a'.repeat(20_000)}`);
    expect(parse(boundary, [huge]).result).toMatchObject({ complete: false, reason: expect.stringMatching(/header block/) });
  });

  it('gives the same parts for every split point of a body (two chunks) and for byte-by-byte chunks', () => {
    const binary = trickyBinary(boundary, 300);
    const body = Buffer.concat([
      text(`preamble\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`),
      binary,
      text(`\r\n--${boundary}\t\r\nContent-Type: application/octet-stream\r\n\r\n\r\n`),
      binary.subarray(0, 77),
      text(`\r\n--${boundary}\r\n\r\n\r\n--${boundary}--\r\nepilogue`),
    ]);
    const whole = parse(boundary, [body]);
    expect(whole.result).toEqual({ complete: true, parts: 3, bodyBytes: 300 + 2 + 77 });
    const expected = whole.parts.map((part) => part.body.toString('hex'));
    expect(whole.parts[1]!.body.subarray(0, 2).toString('latin1')).toBe('\r\n');

    for (let split = 0; split <= body.length; split++) {
      const { parts, result } = parse(boundary, [body.subarray(0, split), body.subarray(split)]);
      expect(result, `split at ${split}`).toEqual(whole.result);
      expect(parts.map((part) => part.body.toString('hex')), `split at ${split}`).toEqual(expected);
      expect(parts.map((part) => part.reportedBytes)).toEqual(whole.parts.map((part) => part.reportedBytes));
    }
    const bytes = Array.from({ length: body.length }, (_, at) => body.subarray(at, at + 1));
    const byByte = parse(boundary, bytes);
    expect(byByte.result).toEqual(whole.result);
    expect(byByte.parts.map((part) => part.body.toString('hex'))).toEqual(expected);
  });

  it('gives the same parts for random three-way splits of a large body', () => {
    const binary = trickyBinary(boundary, 20_000);
    const { chunks } = encodeMultipartRelated(
      [0, 1, 2].map(() => ({ contentType: 'application/octet-stream', content: [binary] })),
      'application/octet-stream',
      boundary,
    );
    const body = Buffer.concat(chunks);
    let seed = 7;
    const next = (limit: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % limit;
    };
    for (let round = 0; round < 200; round++) {
      const [a, b] = [next(body.length), next(body.length)].sort((x, y) => x - y) as [number, number];
      const { parts, result } = parse(boundary, [body.subarray(0, a), body.subarray(a, b), body.subarray(b)]);
      expect(result).toEqual({ complete: true, parts: 3, bodyBytes: 60_000 });
      expect(parts.every((part) => part.body.equals(binary))).toBe(true);
    }
  });
});

describe('encodeMultipartRelated', () => {
  it('encodes parts the parser reads back, with the STOW content type', () => {
    const first = Buffer.from('DICM part one\r\n--');
    const encoded = encodeMultipartRelated(
      [
        { contentType: 'application/dicom', content: [first] },
        { contentType: 'application/dicom', content: [Buffer.from('head'), Buffer.from('pixels')] },
      ],
      'application/dicom',
    );
    const type = parseMediaType(encoded.contentType);
    expect(type?.essence).toBe('multipart/related');
    expect(type?.parameters.get('type')).toBe('application/dicom');
    expect(type?.parameters.get('boundary')).toBe(encoded.boundary);
    const body = Buffer.concat(encoded.chunks);
    expect(encoded.byteLength).toBe(body.length);
    // The content buffers are referenced, not copied.
    expect(encoded.chunks).toContain(first);
    const { parts, result } = parse(encoded.boundary, [body]);
    expect(result).toMatchObject({ complete: true, parts: 2 });
    expect(parts.map((part) => part.body.toString('latin1'))).toEqual(['DICM part one\r\n--', 'headpixels']);
    expect(parts.map((part) => part.headers['content-type'])).toEqual(['application/dicom', 'application/dicom']);
  });

  it('refuses a given boundary that occurs in a part, and draws one that does not', () => {
    const content = [Buffer.from('xx--fixed'), Buffer.from('--spl'), Buffer.from('it')];
    expect(() => encodeMultipartRelated([{ contentType: 'a/b', content }], 'a/b', 'fixed')).toThrow(TypeError);
    // Across the seam of two buffers too.
    expect(() => encodeMultipartRelated([{ contentType: 'a/b', content }], 'a/b', 'split')).toThrow(TypeError);
    const drawn = encodeMultipartRelated([{ contentType: 'a/b', content }], 'a/b');
    expect(Buffer.concat(content).includes(`--${drawn.boundary}`)).toBe(false);
  });
});
