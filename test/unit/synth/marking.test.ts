import { describe, expect, it } from 'vitest';
import { hasSyntheticMarking, missingSyntheticMarks } from '../../../src/synth/marking.js';
import { SYNTHETIC_INSTITUTION } from '../../../src/synth/studies.js';
import { localDicomDate } from '../../../src/synth/dicom-date.js';
import { buildWorklist } from '../../../src/synth/worklist.js';
import { storeStudyIdentity } from '../../../src/synth/store-study.js';
import { fixedSend } from '../../../src/synth/identity.js';

const marked = { PatientName: 'PACSLOAD^SYNTH^00001', PatientID: 'PLSYN-000001', InstitutionName: SYNTHETIC_INSTITUTION };

describe('the synthetic marking', () => {
  it('accepts every item of the synthetic worklist and every synthetic study identity', () => {
    const worklist = buildWorklist({ stations: 3, stepsPerStation: 4, date: localDicomDate(new Date()), seed: 5, modality: 'MR' });
    expect(worklist.every(hasSyntheticMarking)).toBe(true);
    const study = storeStudyIdentity(fixedSend(1, 'dimse.store', 7), new Date());
    expect(hasSyntheticMarking({ PatientName: study.patientName, PatientID: study.patientId })).toBe(true);
  });

  it('needs both the patient ID and the patient name prefix', () => {
    expect(missingSyntheticMarks({ ...marked, PatientID: 'MRN-4711' })).toEqual(['patient ID does not start with PLSYN-']);
    expect(missingSyntheticMarks({ ...marked, PatientName: 'DOE^JANE' })).toEqual(['patient name does not start with PACSLOAD^SYNTH^']);
    expect(missingSyntheticMarks({ PatientName: '', PatientID: '' })).toHaveLength(2);
    // A prefix in the middle, or in another case, is not the marking.
    expect(hasSyntheticMarking({ PatientName: 'DOE^PACSLOAD^SYNTH^', PatientID: 'X-PLSYN-1' })).toBe(false);
    expect(hasSyntheticMarking({ PatientName: 'pacsload^synth^1', PatientID: 'plsyn-1' })).toBe(false);
  });

  it('checks the institution only when the item names one', () => {
    expect(hasSyntheticMarking({ PatientName: marked.PatientName, PatientID: marked.PatientID })).toBe(true);
    expect(hasSyntheticMarking({ ...marked, InstitutionName: '' })).toBe(true);
    expect(missingSyntheticMarks({ ...marked, InstitutionName: 'ST. ELSEWHERE HOSPITAL' })).toEqual([`institution name is not ${SYNTHETIC_INSTITUTION}`]);
  });

  it('ignores leading and trailing spaces (not significant in LO and PN)', () => {
    expect(hasSyntheticMarking({ PatientName: ' PACSLOAD^SYNTH^1 ', PatientID: 'PLSYN-1 ', InstitutionName: `${SYNTHETIC_INSTITUTION} ` })).toBe(true);
  });

  it('never puts the values in what it reports', () => {
    const missing = missingSyntheticMarks({ PatientName: 'DOE^JANE', PatientID: 'MRN-4711', InstitutionName: 'ST. ELSEWHERE' });
    expect(missing).toHaveLength(3);
    expect(missing.join(' ')).not.toMatch(/DOE|JANE|4711|ELSEWHERE/);
  });
});
