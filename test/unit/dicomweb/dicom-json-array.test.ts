import { describe, expect, it } from 'vitest';
import { DicomJsonArrayScanner, inspectDicomJsonArray } from '../../../src/protocol/dicomweb/dicom-json-array.js';
import { buildStudies } from '../../../src/synth/studies.js';

const json = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('inspectDicomJsonArray', () => {
  it('counts study results by their StudyInstanceUID key', () => {
    const studies = buildStudies({ count: 7, seed: 3, date: '20250301' });
    expect(inspectDicomJsonArray(json(JSON.stringify(studies)))).toEqual({ ok: true, count: 7 });
    expect(inspectDicomJsonArray(json(JSON.stringify(studies, null, 2)))).toEqual({ ok: true, count: 7 });
  });

  it('accepts an empty array, blanks around it and a byte order mark', () => {
    expect(inspectDicomJsonArray(json('[]'))).toEqual({ ok: true, count: 0 });
    expect(inspectDicomJsonArray(json(' \r\n[ ]\n'))).toEqual({ ok: true, count: 0 });
    expect(inspectDicomJsonArray(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json('[]')]))).toEqual({ ok: true, count: 0 });
  });

  it('fails what is not an array', () => {
    expect(inspectDicomJsonArray(json(''))).toEqual({ ok: false, reason: 'empty body' });
    expect(inspectDicomJsonArray(json('{"0020000D":{}}'))).toEqual({ ok: false, reason: 'not a JSON array' });
    expect(inspectDicomJsonArray(json('<html>error</html>'))).toEqual({ ok: false, reason: 'not a JSON array' });
    expect(inspectDicomJsonArray(json('[{"0020000D":{}}'))).toEqual({ ok: false, reason: 'not a JSON array' });
  });

  it('fails results that lack the counted key', () => {
    expect(inspectDicomJsonArray(json('[{"00100020":{"vr":"LO"}}]'))).toMatchObject({ ok: false });
  });
});

describe('DicomJsonArrayScanner', () => {
  const body = json(JSON.stringify(buildStudies({ count: 12, seed: 4, date: '20250301' }), null, 1) + '\n');

  function scanInChunks(bytes: Buffer, size: number): ReturnType<DicomJsonArrayScanner['result']> {
    const scanner = new DicomJsonArrayScanner();
    for (let at = 0; at < bytes.length; at += size) scanner.push(bytes.subarray(at, at + size));
    return scanner.result();
  }

  it('gives the same answer whatever the chunk sizes, keys split across chunks included', () => {
    for (const size of [1, 2, 3, 5, 9, 10, 11, 64, 1000, body.length]) {
      expect(scanInChunks(body, size), `chunks of ${size}`).toEqual({ ok: true, count: 12 });
    }
  });

  it('sees the first and last non-blank bytes across chunks', () => {
    expect(scanInChunks(json('  \n [ ] \n  '), 2)).toEqual({ ok: true, count: 0 });
    expect(scanInChunks(json('  {"0020000D":1}  '), 3)).toEqual({ ok: false, reason: 'not a JSON array' });
    const empty = new DicomJsonArrayScanner();
    empty.push(Buffer.alloc(0));
    expect(empty.result()).toEqual({ ok: false, reason: 'empty body' });
  });

  it('does not count a key whose halves are in the tail twice', () => {
    expect(scanInChunks(json('[{"0020000D":1},{"0020000D":2}]'), 4)).toEqual({ ok: true, count: 2 });
  });
});
