import { describe, expect, it } from 'vitest';
import { sopInstanceUidsOf } from '../../../src/coordinator/verify-qido.js';
import { stowCounts } from '../../../src/operations/stow-study.js';

describe('sopInstanceUidsOf', () => {
  it('reads SOP Instance UID (0008,0018) of each object of a DICOM JSON array', () => {
    const body = Buffer.from(JSON.stringify([{ '00080018': { vr: 'UI', Value: ['1.2.3'] } }, { '00080018': { vr: 'UI', Value: ['1.2.4'] } }, { '0020000D': { vr: 'UI', Value: ['9'] } }]));
    expect(sopInstanceUidsOf(body)).toEqual(['1.2.3', '1.2.4']);
    expect(sopInstanceUidsOf(Buffer.from('[]'))).toEqual([]);
  });

  it('is undefined for a body that is not a JSON array', () => {
    expect(sopInstanceUidsOf(Buffer.from('{"a":1}'))).toBeUndefined();
    expect(sopInstanceUidsOf(Buffer.from('<html>'))).toBeUndefined();
  });
});

describe('stowCounts', () => {
  it('lists the ReferencedSOPInstanceUID (0008,1155) of each referenced item', () => {
    const answer = {
      '00081199': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['1.2.3'] } }, { '00081155': { vr: 'UI', Value: ['1.2.4'] } }, {}] },
      '00081198': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['1.2.5'] } }] },
    };
    expect(stowCounts(Buffer.from(JSON.stringify(answer)))).toEqual({ referenced: 3, failed: 1, referencedUids: ['1.2.3', '1.2.4'] });
  });
});
