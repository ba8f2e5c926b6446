/**
 * The pure half of `--verify` (issue 3, item 4): which instances to ask the
 * target for, grouped the way the C-FIND asks (one IMAGE-level query per
 * series), and the comparison of what was acknowledged with what the target
 * returned. The queries themselves are in verify-stored.ts.
 */
import type { VerifySummary } from '../metrics/types.js';
import type { AcknowledgedInstance } from '../operations/types.js';

/** SOP Instance UIDs listed in the summary at most; the count is always complete. */
export const MISSING_LIST_LIMIT = 100;

/** The acknowledged instances of one series (or of one study, when the series is unknown). */
export interface VerifyGroup {
  studyUid: string;
  seriesUid: string | undefined;
  sopInstanceUids: string[];
}

/** Groups instances by study and series, in first-seen order; an instance acknowledged twice is checked once. */
export function groupAcknowledged(instances: Iterable<AcknowledgedInstance>): VerifyGroup[] {
  const groups = new Map<string, VerifyGroup & { seen: Set<string> }>();
  for (const instance of instances) {
    const key = `${instance.studyUid}\u0000${instance.seriesUid ?? ''}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { studyUid: instance.studyUid, seriesUid: instance.seriesUid, sopInstanceUids: [], seen: new Set() };
      groups.set(key, group);
    }
    if (group.seen.has(instance.sopInstanceUid)) continue;
    group.seen.add(instance.sopInstanceUid);
    group.sopInstanceUids.push(instance.sopInstanceUid);
  }
  return [...groups.values()].map(({ studyUid, seriesUid, sopInstanceUids }) => ({ studyUid, seriesUid, sopInstanceUids }));
}

/**
 * Compares each group with what the target returned for it: `found[i]` is the
 * set of SOP Instance UIDs the query of `groups[i]` returned, or undefined when
 * that query failed (its instances are then counted as not checked, never as
 * missing). `notKept` adds instances acknowledged but never listed. The
 * summary's `error` is left to the caller.
 */
export function compareFound(
  groups: readonly VerifyGroup[],
  found: ReadonlyArray<ReadonlySet<string> | undefined>,
  notKept = 0,
  listLimit = MISSING_LIST_LIMIT,
): VerifySummary {
  const summary: VerifySummary = { checked: 0, missing: 0, missingInstances: [], notChecked: notKept };
  groups.forEach((group, index) => {
    const returned = found[index];
    if (returned === undefined) {
      summary.notChecked += group.sopInstanceUids.length;
      return;
    }
    for (const uid of group.sopInstanceUids) {
      summary.checked++;
      if (returned.has(uid)) continue;
      summary.missing++;
      if (summary.missingInstances.length < listLimit) summary.missingInstances.push(uid);
    }
  });
  return summary;
}

/** Verified: nothing missing and every query answered. Instances beyond the memory cap do not fail it (they are reported). */
export function verifyPassed(summary: VerifySummary): boolean {
  return summary.missing === 0 && summary.error === undefined;
}
