/** A worklist C-FIND identifier as the item a chain performs (src/operations/chain-worklist-item.ts). */
import { describe, expect, it } from 'vitest';
import { worklistItemFromIdentifier } from '../../../src/operations/chain-worklist-item.js';

describe('worklistItemFromIdentifier', () => {
  it('reads names given as PN objects, single-item lists and the scheduled step', () => {
    const item = worklistItemFromIdentifier(
      {
        PatientName: [{ Alphabetic: 'PACSLOAD^SYNTH^P1' }],
        PatientID: 'PLSYN-1',
        PatientSex: 'F',
        AccessionNumber: 'A1',
        StudyInstanceUID: '1.2.3',
        ScheduledProcedureStepSequence: [{ Modality: 'MR', ScheduledStationAETitle: 'STATION002', ScheduledProcedureStepID: 'SPS1' }],
      },
      'STATION009',
      'CT',
    );
    expect(item).toMatchObject({ PatientName: 'PACSLOAD^SYNTH^P1', PatientID: 'PLSYN-1', PatientSex: 'F', AccessionNumber: 'A1', StudyInstanceUID: '1.2.3' });
    expect(item.ScheduledProcedureStepSequence[0]).toMatchObject({ Modality: 'MR', ScheduledStationAETitle: 'STATION002', ScheduledProcedureStepID: 'SPS1', ScheduledStationName: '' });
  });

  it('leaves what the SCP did not return empty, and falls back to the station and modality queried', () => {
    const item = worklistItemFromIdentifier({}, 'STATION001', 'CT');
    expect(item.PatientName).toBe('');
    expect(item.ScheduledProcedureStepSequence[0]).toMatchObject({ ScheduledStationAETitle: 'STATION001', Modality: 'CT' });
  });
});
