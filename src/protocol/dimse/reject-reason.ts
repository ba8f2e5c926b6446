/**
 * An A-ASSOCIATE-RJ in words (PS3.8 section 9.3.4, Table 9-21): result,
 * source and reason/diagnostic, as a reason a user reads next to the
 * outcome key `association_rejected_<result>_<source>_<reason>`.
 */

const RESULT: Readonly<Record<number, string>> = { 1: 'rejected-permanent', 2: 'rejected-transient' };

const SOURCE: Readonly<Record<number, string>> = {
  1: 'DICOM UL service-user',
  2: 'DICOM UL service-provider (ACSE related function)',
  3: 'DICOM UL service-provider (Presentation related function)',
};

/** Reason/Diag. by source; values not listed are reserved. */
const REASON: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: { 1: 'no-reason-given', 2: 'application-context-name-not-supported', 3: 'calling-AE-title-not-recognized', 7: 'called-AE-title-not-recognized' },
  2: { 1: 'no-reason-given', 2: 'protocol-version-not-supported' },
  3: { 1: 'temporary-congestion', 2: 'local-limit-exceeded' },
};

/** E.g. `rejected-permanent by DICOM UL service-user: called-AE-title-not-recognized`. */
export function associationRejectText(result: number, source: number, reason: number): string {
  const resultText = RESULT[result] ?? `rejected (result ${result})`;
  const sourceText = SOURCE[source] ?? `source ${source}`;
  const reasonText = REASON[source]?.[reason] ?? `reason ${reason} (reserved)`;
  return `${resultText} by ${sourceText}: ${reasonText}`;
}
