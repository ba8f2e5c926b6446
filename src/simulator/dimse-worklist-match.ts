/**
 * Modality Worklist matching for the simulator (PS3.4 K.6.1.2 and the matching
 * rules of C.2.2.2): which items a C-FIND identifier selects, and what the
 * identifier of each pending response holds.
 *
 * Matching keys honoured, the ones modalities use for the broad and the patient
 * query (docs/architecture.md section 6): in the Scheduled Procedure Step Sequence item,
 * ScheduledStationAETitle, Modality and ScheduledProcedureStepStartDate; at the
 * top level PatientID, PatientName and AccessionNumber. Every other key is a
 * return key only. Time matching is not implemented (universal).
 */
import type { ScheduledProcedureStep, WorklistItem } from '../synth/worklist.js';

/** A naturalized identifier: DICOM keywords as keys, sequences as arrays of items. */
export type Identifier = Record<string, unknown>;

/** True when `item` matches every supported matching key of `identifier`. */
export function matchesWorklistItem(identifier: Identifier, item: WorklistItem): boolean {
  const [step] = item.ScheduledProcedureStepSequence;
  const stepKeys = firstSequenceItem(identifier['ScheduledProcedureStepSequence']);
  if (stepKeys !== undefined) {
    if (!matchesString(stepKeys['ScheduledStationAETitle'], step.ScheduledStationAETitle)) return false;
    if (!matchesString(stepKeys['Modality'], step.Modality)) return false;
    if (!matchesDate(stepKeys['ScheduledProcedureStepStartDate'], step.ScheduledProcedureStepStartDate)) return false;
  }
  return (
    matchesString(identifier['PatientID'], item.PatientID) &&
    matchesString(personNameText(identifier['PatientName']), item.PatientName) &&
    matchesString(identifier['AccessionNumber'], item.AccessionNumber)
  );
}

/**
 * The identifier of a pending response (PS3.4 C.4.1.1.3.2): every key of the
 * request, with the item's value where the item has one and zero length
 * otherwise (`null`, which dcmjs writes as an empty value of any VR; echoing the
 * request's value would not do, because dcmjs reads an empty US as 0). An empty
 * sequence item asks for the whole sequence item (C.2.2.2.6).
 */
export function worklistResponseIdentifier(identifier: Identifier, item: WorklistItem): Identifier {
  const response: Identifier = {};
  const itemValues = item as unknown as Record<string, unknown>;
  for (const [keyword, requested] of Object.entries(identifier)) {
    if (keyword === '_vrMap') continue;
    if (keyword === 'ScheduledProcedureStepSequence') {
      response[keyword] = [stepResponse(firstSequenceItem(requested), item.ScheduledProcedureStepSequence[0])];
    } else if (keyword in itemValues) {
      response[keyword] = itemValues[keyword];
    } else {
      response[keyword] = null;
    }
  }
  return response;
}

function stepResponse(requested: Identifier | undefined, step: ScheduledProcedureStep): Identifier {
  const stepValues = step as unknown as Record<string, unknown>;
  const keys = requested === undefined ? [] : Object.keys(requested).filter((key) => key !== '_vrMap');
  if (keys.length === 0) return { ...stepValues };
  const response: Identifier = {};
  for (const key of keys) response[key] = key in stepValues ? stepValues[key] : null;
  return response;
}

function firstSequenceItem(value: unknown): Identifier | undefined {
  if (!Array.isArray(value)) return undefined;
  const first: unknown = value[0];
  return typeof first === 'object' && first !== null ? (first as Identifier) : undefined;
}

/** dcmjs naturalizes PN as `[{ Alphabetic: '...' }]`; requests may also carry a plain string. */
function personNameText(value: unknown): unknown {
  const single: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof single === 'object' && single !== null && 'Alphabetic' in single) {
    return (single as { Alphabetic: unknown }).Alphabetic;
  }
  return single;
}

/** Single value or wildcard matching (C.2.2.2.1, C.2.2.2.4); empty or absent is universal matching (C.2.2.2.3). */
function matchesString(key: unknown, value: string): boolean {
  const text = singleText(key);
  if (text === undefined || text === '' || text === '*') return true;
  if (!text.includes('*') && !text.includes('?')) return text === value;
  const pattern = text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`).test(value);
}

/** Single date or range matching, `A-B`, `A-` or `-B` (C.2.2.2.5); empty is universal. */
function matchesDate(key: unknown, value: string): boolean {
  const text = singleText(key);
  if (text === undefined || text === '') return true;
  const dash = text.indexOf('-');
  if (dash < 0) return text === value;
  const from = text.slice(0, dash);
  const to = text.slice(dash + 1);
  // DA values compare correctly as strings: fixed width, most significant first.
  return (from === '' || value >= from) && (to === '' || value <= to);
}

function singleText(key: unknown): string | undefined {
  const single: unknown = Array.isArray(key) ? key[0] : key;
  if (single === undefined || single === null) return undefined;
  return String(single).trim();
}
