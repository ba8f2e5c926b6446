/**
 * The console's lines on what the target acknowledged and how identities
 * were made (issue 14): the numbers to compare with the archive's own counts
 * (Orthanc's `/statistics` CountInstances and CountStudies), per storing
 * scenario and in total, and a warning when the run re-sent objects on purpose.
 */
import type { IdentitySummary, StoredSummary } from '../metrics/types.js';

const INDENT = '  ';
const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const formatCount = (count: number): string => COUNT_FORMAT.format(count);

/** Lines for `summary.stored` and `summary.identities`; nothing when the run stored nothing and made unique identities. */
export function renderStored(stored: StoredSummary | undefined, identities: IdentitySummary | undefined): string[] {
  const lines: string[] = [];
  if (stored !== undefined) {
    const lowerBound = stored.studiesNotCounted === undefined ? '' : ` (at least; ${formatCount(stored.studiesNotCounted)} more beyond the workers' memory cap)`;
    lines.push(`stored: ${formatCount(stored.acknowledgedInstances)} acknowledged instances in ${formatCount(stored.studies)} studies${lowerBound}`);
    if (stored.scenarios.length > 1) {
      for (const scenario of stored.scenarios) {
        lines.push(`${INDENT}${scenario.scenario} (${scenario.operation}): ${formatCount(scenario.acknowledgedInstances)} instances in ${formatCount(scenario.studies)} studies`);
      }
    }
  }
  if (identities !== undefined && identities.mode === 'fixed') {
    lines.push(`identities: fixed (run component ${identities.runComponent}, from the seed): objects of an earlier run with this seed were sent again on purpose`);
  } else if (identities?.duplicatesIntended === true) {
    lines.push(`identities: unique (run component ${identities.runComponent}); duplicateSends re-sent some objects on purpose`);
  }
  return lines;
}
