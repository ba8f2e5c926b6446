/**
 * A chain behaves like a modality (issue 14, item 2): it keeps the worklist
 * item's Study Instance UID and makes new series and instance UIDs every time
 * it performs the item, so meeting the same item twice adds images to one
 * study instead of re-sending the same ones.
 */
import { describe, expect, it } from 'vitest';
import { chainStudy } from '../../../src/operations/chain.js';
import { IdentityAllocator, identitySettings } from '../../../src/synth/identity.js';
import { instanceValues } from '../../../src/synth/store-study.js';
import { buildWorklist } from '../../../src/synth/worklist.js';

const [ITEM] = buildWorklist({ stations: 1, stepsPerStation: 1, date: '20261208', seed: 3, modality: 'CT' });

function imagesOf(identities: IdentityAllocator, iteration: number): Array<ReturnType<typeof instanceValues>> {
  const study = chainStudy(identities, { iteration, item: ITEM! });
  return Array.from({ length: 4 }, (_, index) => instanceValues(study, index, 4, 2));
}

describe('chain identities', () => {
  const identities = new IdentityAllocator(identitySettings({ mode: 'unique', runId: 'run-1', seed: 3 }), 2);

  it('meeting the same item twice: the same study UID, patient and accession, new series and instance UIDs', () => {
    const first = imagesOf(identities, 0);
    const second = imagesOf(identities, 1);
    for (const values of [...first, ...second]) {
      expect(values.studyInstanceUid).toBe(ITEM!.StudyInstanceUID);
      expect(values.patientId).toBe(ITEM!.PatientID);
      expect(values.accessionNumber).toBe(ITEM!.AccessionNumber);
    }
    const uids = (values: typeof first): string[] => values.flatMap((value) => [value.seriesInstanceUid, value.sopInstanceUid]);
    expect(uids(first).filter((uid) => uids(second).includes(uid))).toEqual([]);
    expect(new Set(second.map((value) => value.sopInstanceUid)).size).toBe(4);
    expect(first[0]!.frameOfReferenceUid).not.toBe(second[0]!.frameOfReferenceUid);
  });

  it('another run performing the same item makes other series and instances too', () => {
    const other = new IdentityAllocator(identitySettings({ mode: 'unique', runId: 'run-2', seed: 3 }), 2);
    expect(imagesOf(other, 0)[0]!.sopInstanceUid).not.toBe(imagesOf(identities, 0)[0]!.sopInstanceUid);
    expect(imagesOf(other, 0)[0]!.studyInstanceUid).toBe(ITEM!.StudyInstanceUID);
  });

  it('an item without a valid study UID gets the send\'s own', () => {
    const study = chainStudy(identities, { iteration: 5, item: { ...ITEM!, StudyInstanceUID: '1.02.3' } });
    expect(study.studyInstanceUid).toBe(identities.send('chain.store', 5).studyInstanceUid);
  });
});
