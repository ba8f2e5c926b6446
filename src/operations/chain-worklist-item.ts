/**
 * A worklist item as a chain carries it on: the identifier of one MWL C-FIND
 * pending response (PS3.4 K.6.1.2.2, the return keys `mwlQueryIdentifier` asks
 * for) read into the shape the MPPS and store steps take.
 */
import type { WorklistItem } from '../synth/worklist.js';

/** DICOM values as dcmjs naturalizes them: text, numbers, lists, PN as `{ Alphabetic }`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return text(value[0]);
  if (value !== null && typeof value === 'object' && 'Alphabetic' in value) return text((value as { Alphabetic: unknown }).Alphabetic);
  return '';
}

function firstItem(value: unknown): Record<string, unknown> {
  const item: unknown = Array.isArray(value) ? value[0] : undefined;
  return item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {};
}

/**
 * The item an identifier describes. Keys the SCP left out become empty values
 * (type 2 in the MPPS N-CREATE, PS3.4 Table F.7.2-1); the station and modality
 * fall back to the ones queried, which the item matched.
 */
export function worklistItemFromIdentifier(elements: Record<string, unknown>, station: string, modality: string): WorklistItem {
  const step = firstItem(elements.ScheduledProcedureStepSequence);
  const sex = text(elements.PatientSex);
  return {
    PatientName: text(elements.PatientName),
    PatientID: text(elements.PatientID),
    PatientBirthDate: text(elements.PatientBirthDate),
    // An empty sex is sent empty (type 2); the synthetic type only lists the defined terms.
    PatientSex: sex as WorklistItem['PatientSex'],
    AccessionNumber: text(elements.AccessionNumber),
    RequestedProcedureID: text(elements.RequestedProcedureID),
    RequestedProcedureDescription: text(elements.RequestedProcedureDescription),
    StudyInstanceUID: text(elements.StudyInstanceUID),
    ReferringPhysicianName: text(elements.ReferringPhysicianName),
    InstitutionName: text(elements.InstitutionName),
    ScheduledProcedureStepSequence: [
      {
        ScheduledStationAETitle: text(step.ScheduledStationAETitle) || station,
        ScheduledStationName: text(step.ScheduledStationName),
        Modality: text(step.Modality) || modality,
        ScheduledProcedureStepStartDate: text(step.ScheduledProcedureStepStartDate),
        ScheduledProcedureStepStartTime: text(step.ScheduledProcedureStepStartTime),
        ScheduledProcedureStepID: text(step.ScheduledProcedureStepID),
        ScheduledProcedureStepDescription: text(step.ScheduledProcedureStepDescription),
        ScheduledPerformingPhysicianName: text(step.ScheduledPerformingPhysicianName),
      },
    ],
  };
}
