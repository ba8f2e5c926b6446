/**
 * The element walk that finds data sets cut inside an element (src/protocol/dimse/dataset-structure.ts),
 * over data sets encoded by dcmjs-dimse itself in both little endian transfer syntaxes.
 */
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../../src/protocol/dimse/dcmjs.js';
import { findDatasetTruncation, topLevelElementSpans } from '../../../src/protocol/dimse/dataset-structure.js';

const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';

/** A worklist-like identifier with a sequence (encoded with undefined lengths by dcmjs). */
function encoded(transferSyntaxUid: string): Buffer {
  return new Dataset(
    {
      AccessionNumber: 'ACC123456',
      PatientName: 'PACSLOAD^SYNTH^00001',
      PatientID: 'PLSYN-000001',
      ScheduledProcedureStepSequence: [{ Modality: 'CT', ScheduledStationAETitle: 'STATION001', ScheduledProcedureStepID: 'SPS1' }],
      StudyInstanceUID: '1.2.3.4.5',
    },
    transferSyntaxUid,
  ).getDenaturalizedDataset();
}

describe.each([
  ['Implicit VR Little Endian', IMPLICIT, false],
  ['Explicit VR Little Endian', EXPLICIT, true],
])('%s', (_name, transferSyntaxUid, explicitVr) => {
  const bytes = encoded(transferSyntaxUid);

  it('finds every top-level element of a whole data set, end to end', () => {
    const spans = topLevelElementSpans(bytes, explicitVr);
    expect(spans.map((span) => span.tag.toString(16))).toEqual(['80050', '100010', '100020', '20000d', '400100']);
    expect(spans[0]?.start).toBe(0);
    expect(spans[spans.length - 1]?.end).toBe(bytes.length);
    expect(findDatasetTruncation(bytes, explicitVr)).toBeUndefined();
  });

  it('reports a cut at every byte that is not an element boundary', () => {
    const boundaries = new Set(topLevelElementSpans(bytes, explicitVr).map((span) => span.end));
    for (let length = 1; length < bytes.length; length++) {
      const problem = findDatasetTruncation(bytes.subarray(0, length), explicitVr);
      if (boundaries.has(length)) expect(problem, `cut at ${length}`).toBeUndefined();
      else expect(problem, `cut at ${length}`).toBeDefined();
    }
  });

  it('names the element whose value is cut', () => {
    // AccessionNumber (0008,0050) is first: its value starts after an 8-byte header.
    expect(findDatasetTruncation(bytes.subarray(0, 12), explicitVr)).toBe('element (0008,0050) needs 10 bytes of value, 4 remain');
  });
});

it('accepts an empty data set', () => {
  expect(findDatasetTruncation(new Uint8Array(0), false)).toBeUndefined();
});

it('reports a sequence without its delimitation', () => {
  const bytes = encoded(IMPLICIT);
  const sequence = topLevelElementSpans(bytes, false).find((span) => span.tag === 0x00400100);
  expect(findDatasetTruncation(bytes.subarray(0, (sequence?.end ?? 0) - 8), false)).toMatch(/sequence \(0040,0100\) ends without its sequence delimitation/);
});
