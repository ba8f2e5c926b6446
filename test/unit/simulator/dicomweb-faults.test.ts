import { describe, expect, it } from 'vitest';
import { FaultInjector, NO_FAULTS } from '../../../src/simulator/faults.js';
import { declaredMultipartType, PLAIN_ANSWER } from '../../../src/simulator/dicomweb-faults.js';
import { encodeMultipartRelated } from '../../../src/protocol/dicomweb/multipart-encoder.js';
import { parseMediaType } from '../../../src/protocol/dicomweb/multipart-media-type.js';
import { MultipartParser } from '../../../src/protocol/dicomweb/multipart-parser.js';

/** An injector whose random numbers are `draws`, in turn. */
function injectorWith(injected: Record<string, number>, draws: number[]): FaultInjector {
  let next = 0;
  return new FaultInjector({ ...NO_FAULTS, injected }, () => draws[next++ % draws.length]!);
}

describe('drawFault for HTTP', () => {
  it('draws each kind by its share and counts what it returns', () => {
    const faults = injectorWith({ http500: 0.2, http503: 0.3 }, [0.1, 0.4, 0.6]);
    expect(faults.drawFault('http')).toBe('http500');
    expect(faults.drawFault('http')).toBe('http503');
    expect(faults.drawFault('http')).toBeUndefined();
    expect(faults.injectedCounts()).toEqual({ http500: 1, http503: 1 });
  });

  it('makes a kind that does not apply no fault, without moving the others\' shares, and does not count it', () => {
    // Cumulative order follows FAULT_KINDS: http500 [0, 0.2), brokenMultipart [0.2, 0.5).
    const faults = injectorWith({ http500: 0.2, brokenMultipart: 0.3 }, [0.1, 0.3, 0.3]);
    const jsonAnswer = (kind: string) => kind !== 'brokenMultipart';
    expect(faults.drawFault('http', jsonAnswer)).toBe('http500');
    expect(faults.drawFault('http', jsonAnswer)).toBeUndefined();
    expect(faults.drawFault('http')).toBe('brokenMultipart');
    expect(faults.injectedCounts()).toEqual({ http500: 1, brokenMultipart: 1 });
  });

  it('never draws a DIMSE-only kind for HTTP', () => {
    const faults = injectorWith({ abort: 1 }, [0]);
    expect(faults.drawFault('http')).toBeUndefined();
  });
});

describe('declaredMultipartType', () => {
  const encoded = encodeMultipartRelated([{ contentType: 'application/octet-stream', content: [Buffer.from('pixels')] }], 'application/octet-stream');

  it('keeps the content type of a plain answer', () => {
    expect(declaredMultipartType(encoded.contentType, PLAIN_ANSWER)).toBe(encoded.contentType);
  });

  it('declares a boundary the body does not use, so no parser can split it (RFC 2046 5.1.1)', () => {
    const declared = declaredMultipartType(encoded.contentType, { dripBytesPerSec: undefined, breakMultipart: true });
    const type = parseMediaType(declared);
    expect(type?.essence).toBe('multipart/related');
    expect(type?.parameters.get('type')).toBe('application/octet-stream');
    const boundary = type?.parameters.get('boundary') ?? '';
    expect(boundary).not.toBe(encoded.boundary);
    expect(encoded.boundary.includes(boundary) || boundary.includes(encoded.boundary)).toBe(false);
    const parser = new MultipartParser(boundary);
    for (const chunk of encoded.chunks) parser.push(chunk);
    expect(parser.finish()).toMatchObject({ complete: false, parts: 0 });
  });
});
