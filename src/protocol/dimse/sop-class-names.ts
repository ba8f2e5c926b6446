/**
 * SOP Class names for reasons a user reads ("no accepted presentation context
 * for Modality Performed Procedure Step SOP Class"): the UID Values of PS3.6
 * Annex A for the SOP classes pacs-load sends, and a few more a PACS commonly
 * lists. An unknown UID is named by the UID itself.
 */

/** PS3.6 Annex A, Table A-1: UID -> UID Name. */
const SOP_CLASS_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.1': 'Verification SOP Class',
  '1.2.840.10008.3.1.2.3.3': 'Modality Performed Procedure Step SOP Class',
  '1.2.840.10008.5.1.4.31': 'Modality Worklist Information Model - FIND',
  '1.2.840.10008.5.1.4.1.2.1.1': 'Patient Root Query/Retrieve Information Model - FIND',
  '1.2.840.10008.5.1.4.1.2.1.2': 'Patient Root Query/Retrieve Information Model - MOVE',
  '1.2.840.10008.5.1.4.1.2.1.3': 'Patient Root Query/Retrieve Information Model - GET',
  '1.2.840.10008.5.1.4.1.2.2.1': 'Study Root Query/Retrieve Information Model - FIND',
  '1.2.840.10008.5.1.4.1.2.2.2': 'Study Root Query/Retrieve Information Model - MOVE',
  '1.2.840.10008.5.1.4.1.2.2.3': 'Study Root Query/Retrieve Information Model - GET',
  '1.2.840.10008.5.1.4.1.1.1': 'Computed Radiography Image Storage',
  '1.2.840.10008.5.1.4.1.1.1.1': 'Digital X-Ray Image Storage - For Presentation',
  '1.2.840.10008.5.1.4.1.1.1.2': 'Digital Mammography X-Ray Image Storage - For Presentation',
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image Storage',
  '1.2.840.10008.5.1.4.1.1.3.1': 'Ultrasound Multi-frame Image Storage',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image Storage',
  '1.2.840.10008.5.1.4.1.1.6.1': 'Ultrasound Image Storage',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture Image Storage',
  '1.2.840.10008.5.1.4.1.1.13.1.3': 'Breast Tomosynthesis Image Storage',
};

/** The PS3.6 name of a SOP class UID, or the UID when it is not in the table (or `an unnamed SOP class` when absent). */
export function sopClassName(uid: string | undefined): string {
  if (uid === undefined || uid === '') return 'an unnamed SOP class';
  return SOP_CLASS_NAMES[uid] ?? uid;
}
