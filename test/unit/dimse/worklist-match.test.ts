import { describe, expect, it } from 'vitest';
import { matchesWorklistItem, worklistResponseIdentifier } from '../../../src/simulator/dimse-worklist-match.js';
import { buildWorklist } from '../../../src/synth/worklist.js';

const [item] = buildWorklist({ stations: 1, stepsPerStation: 1, date: '20260428', seed: 1, modality: 'CT' });
if (item === undefined) throw new Error('no item');

function query(step: Record<string, unknown>, top: Record<string, unknown> = {}): Record<string, unknown> {
  return { PatientName: '', PatientID: '', ...top, ScheduledProcedureStepSequence: [step] };
}

describe('matchesWorklistItem (PS3.4 K.6.1.2, C.2.2.2)', () => {
  it('matches the broad query: station, modality, date', () => {
    expect(matchesWorklistItem(query({ ScheduledStationAETitle: 'STATION001', Modality: 'CT', ScheduledProcedureStepStartDate: '20260428' }), item)).toBe(true);
    expect(matchesWorklistItem(query({ ScheduledStationAETitle: 'STATION002', Modality: 'CT' }), item)).toBe(false);
    expect(matchesWorklistItem(query({ Modality: 'MR' }), item)).toBe(false);
    expect(matchesWorklistItem(query({ ScheduledProcedureStepStartDate: '20260427' }), item)).toBe(false);
  });

  it('treats empty and absent keys as universal matching', () => {
    expect(matchesWorklistItem({}, item)).toBe(true);
    expect(matchesWorklistItem(query({ ScheduledStationAETitle: '', Modality: '' }), item)).toBe(true);
    expect(matchesWorklistItem({ ScheduledProcedureStepSequence: [] }, item)).toBe(true);
  });

  it('matches date ranges', () => {
    expect(matchesWorklistItem(query({ ScheduledProcedureStepStartDate: '20260401-20260430' }), item)).toBe(true);
    expect(matchesWorklistItem(query({ ScheduledProcedureStepStartDate: '20260428-' }), item)).toBe(true);
    expect(matchesWorklistItem(query({ ScheduledProcedureStepStartDate: '-20260428' }), item)).toBe(true);
    expect(matchesWorklistItem(query({ ScheduledProcedureStepStartDate: '20260429-' }), item)).toBe(false);
    expect(matchesWorklistItem(query({ ScheduledProcedureStepStartDate: '-20260427' }), item)).toBe(false);
  });

  it('matches patient ID exactly and patient name with wildcards, in either PN form', () => {
    expect(matchesWorklistItem(query({}, { PatientID: 'PLSYN-000001' }), item)).toBe(true);
    expect(matchesWorklistItem(query({}, { PatientID: 'PLSYN-000002' }), item)).toBe(false);
    expect(matchesWorklistItem(query({}, { PatientName: 'PACSLOAD^SYNTH^*' }), item)).toBe(true);
    expect(matchesWorklistItem(query({}, { PatientName: [{ Alphabetic: 'PACSLOAD^SYNTH^0000?' }] }), item)).toBe(true);
    expect(matchesWorklistItem(query({}, { PatientName: 'SMITH*' }), item)).toBe(false);
  });
});

describe('worklistResponseIdentifier (PS3.4 C.4.1.1.3.2)', () => {
  it('answers every requested key with the item\'s value or zero length, and only those', () => {
    const response = worklistResponseIdentifier(
      { PatientName: '', PatientID: '', PatientWeight: '', ScheduledProcedureStepSequence: [{ Modality: 'CT', ScheduledProcedureStepStartTime: '' }] },
      item,
    );
    expect(response).toEqual({
      PatientName: item.PatientName,
      PatientID: item.PatientID,
      PatientWeight: null,
      ScheduledProcedureStepSequence: [{ Modality: 'CT', ScheduledProcedureStepStartTime: item.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime }],
    });
  });

  it('returns the whole step for an empty sequence item (C.2.2.2.6)', () => {
    const response = worklistResponseIdentifier({ ScheduledProcedureStepSequence: [{}] }, item);
    expect(response['ScheduledProcedureStepSequence']).toEqual([item.ScheduledProcedureStepSequence[0]]);
  });
});
