/**
 * The seeded priors' identities (src/synth/prior-studies.ts) and their
 * patients (src/synth/synthetic-patients.ts): the population the prior
 * look-ups ask for, valid DICOM values, the synthetic marking, no collisions.
 */
import { describe, expect, it } from 'vitest';
import { priorPatientId } from '../../../src/operations/qr-priors.js';
import { hasSyntheticMarking } from '../../../src/synth/marking.js';
import { PRIOR_SPACING_DAYS, planPriorStudies, priorStudyIdentity } from '../../../src/synth/prior-studies.js';
import { instanceValues } from '../../../src/synth/store-study.js';
import { SYNTHETIC_INSTITUTION } from '../../../src/synth/studies.js';
import { syntheticPatientId, syntheticPatientName } from '../../../src/synth/synthetic-patients.js';

const TODAY = new Date(2026, 11, 8);

describe('seeded prior studies', () => {
  it('belong to the patients the look-ups ask for, round robin', () => {
    const plans = planPriorStudies(3, 4, 2, TODAY);
    expect(plans.map((plan) => plan.identity.patientId)).toEqual(
      ['PLSYN-000001', 'PLSYN-000001', 'PLSYN-000002', 'PLSYN-000002', 'PLSYN-000003', 'PLSYN-000003', 'PLSYN-000004', 'PLSYN-000004'],
    );
    const lookedUp = [0, 1, 2, 3, 4].map((iteration) => priorPatientId(iteration, 4));
    expect(lookedUp).toEqual(['PLSYN-000001', 'PLSYN-000002', 'PLSYN-000003', 'PLSYN-000004', 'PLSYN-000001']);
    expect(syntheticPatientName(12)).toBe('PACSLOAD^SYNTH^00012');
    expect(() => syntheticPatientId(0)).toThrow(RangeError);
  });

  it('carry the synthetic marking and valid DICOM values (PS3.5 Table 6.2-1)', () => {
    for (const { identity } of planPriorStudies(9, 30, 50, TODAY)) {
      expect(hasSyntheticMarking({ PatientID: identity.patientId, PatientName: identity.patientName, InstitutionName: SYNTHETIC_INSTITUTION })).toBe(true);
      expect(identity.accessionNumber.length).toBeLessThanOrEqual(16);
      expect(identity.studyDate).toMatch(/^\d{8}$/);
      expect(identity.studyTime).toMatch(/^\d{6}$/);
      // The deepest instance UID of a study (series 99, instance 100000) still fits 64 characters.
      expect(instanceValues(identity, 99_999, 100_000, 99).sopInstanceUid.length).toBeLessThanOrEqual(64);
    }
  });

  it('never collide, and are the same for the same seed', () => {
    const plans = planPriorStudies(5, 100, 10, TODAY);
    const uids = new Set(plans.map((plan) => plan.identity.studyInstanceUid));
    const accessions = new Set(plans.map((plan) => plan.identity.accessionNumber));
    expect(uids.size).toBe(1000);
    expect(accessions.size).toBe(1000);
    expect(priorStudyIdentity(5, 7, 3, TODAY)).toEqual(plans[6 * 10 + 3]!.identity);
    expect(priorStudyIdentity(6, 7, 3, TODAY).studyInstanceUid).not.toBe(plans[63]!.identity.studyInstanceUid);
  });

  it('hang under the profile\'s uidRoot when it gives one, from the identity allocator', () => {
    const root = '1.2.826.0.1.3680043.10.543';
    const identity = priorStudyIdentity(5, 7, 3, TODAY, root);
    expect(identity.studyInstanceUid.startsWith(`${root}.`)).toBe(true);
    expect(identity.studyInstanceUid).not.toBe(priorStudyIdentity(5, 7, 3, TODAY).studyInstanceUid);
    // The patient is the population's, whatever the root.
    expect(identity.patientId).toBe('PLSYN-000007');
  });

  it('are dated in the past, newest first, PRIOR_SPACING_DAYS apart', () => {
    const [newest, older] = [priorStudyIdentity(1, 1, 0, TODAY), priorStudyIdentity(1, 1, 1, TODAY)];
    const days = (da: string): number => Date.UTC(Number(da.slice(0, 4)), Number(da.slice(4, 6)) - 1, Number(da.slice(6, 8))) / 86_400_000;
    const today = Date.UTC(2026, 11, 8) / 86_400_000;
    expect(today - days(newest.studyDate)).toBe(PRIOR_SPACING_DAYS);
    expect(days(newest.studyDate) - days(older.studyDate)).toBe(PRIOR_SPACING_DAYS);
  });
});
