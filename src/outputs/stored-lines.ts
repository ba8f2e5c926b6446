/**
 * The console's lines on what the target acknowledged and how identities
 * were made (issue 14): the numbers to compare with the archive's own counts
 * (Orthanc's `/statistics` CountInstances and CountStudies), per storing
 * scenario and in total, and a warning when the run re-sent objects on purpose.
 */
import type { IdentitiesPerPart, IdentitySummary, RunSummary, StoredScenarioSummary, StoredSummary } from '../metrics/types.js';

const INDENT = '  ';
const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const formatCount = (count: number): string => COUNT_FORMAT.format(count);

/**
 * `149 acknowledged instances in 9 studies`, with what limits the study count:
 * a merge's sum over parts, studies beyond the workers' memory cap. The HTML
 * report's verdict says the same.
 */
export function storedHeadline(stored: StoredSummary): string {
  // A merge adds each part's distinct studies: a study several parts sent counts once per part.
  const summed = stored.studiesSummedOverParts === undefined ? '' : ` (summed over ${formatCount(stored.studiesSummedOverParts)} parts)`;
  const lowerBound = stored.studiesNotCounted === undefined ? '' : ` (at least; ${formatCount(stored.studiesNotCounted)} more beyond the workers' memory cap)`;
  return `${formatCount(stored.acknowledgedInstances)} acknowledged instances in ${formatCount(stored.studies)} studies${summed}${lowerBound}`;
}

/** `ct (dimse.store): 60 instances in 3 studies`. */
export function storedScenarioLine(scenario: StoredScenarioSummary): string {
  return `${scenario.scenario} (${scenario.operation}): ${formatCount(scenario.acknowledgedInstances)} instances in ${formatCount(scenario.studies)} studies`;
}

/**
 * Lines for `summary.stored` and `summary.identities` (or, of a merge whose
 * parts made them differently, `summary.identitiesPerPart`); nothing when the
 * run stored nothing and made unique identities.
 */
export function renderStored(stored: StoredSummary | undefined, identities: IdentitySummary | undefined, identitiesPerPart?: IdentitiesPerPart): string[] {
  const lines: string[] = [];
  if (stored !== undefined) {
    lines.push(`stored: ${storedHeadline(stored)}`);
    if (stored.scenarios.length > 1) lines.push(...stored.scenarios.map((scenario) => `${INDENT}${storedScenarioLine(scenario)}`));
  }
  if (identities !== undefined && identities.mode === 'fixed') {
    lines.push(`identities: fixed (run component ${identities.runComponent}, from the seed): objects of an earlier run with this seed were sent again on purpose`);
  } else if (identities?.duplicatesIntended === true) {
    lines.push(`identities: unique (run component ${identities.runComponent}); duplicateSends re-sent some objects on purpose`);
  }
  if (identitiesPerPart !== undefined) {
    const intended = identitiesPerPart.duplicatesIntended ? '; some parts sent objects more than once on purpose' : '';
    lines.push(`identities: made differently per part (${identitiesPerPart.modes.join(', ')})${intended}`);
  }
  return lines;
}

/** `merge`'s per-instance identities (RunSummary.instanceSections), when the parts made them differently: one line each. */
export function renderInstanceIdentities(sections: RunSummary['instanceSections']): string[] {
  return (sections ?? []).flatMap((entry) => {
    if (entry.identities === undefined) return [];
    const { mode, runComponent, uidRoot, duplicatesIntended } = entry.identities;
    return [`${INDENT}identities of ${entry.instance}: ${mode} (run component ${runComponent}, UID root ${uidRoot})${duplicatesIntended ? ', duplicates intended' : ''}`];
  });
}
