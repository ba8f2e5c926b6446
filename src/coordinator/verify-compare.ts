/**
 * The pure half of `--verify` (issue 3, item 4): which instances to ask the
 * target for, grouped the way the C-FIND asks (one IMAGE-level query per
 * series), and the comparison of what was acknowledged with what the target
 * returned. The queries themselves are in verify-stored.ts.
 */
import type { VerifySummary } from '../metrics/types.js';
import { VERIFY_LIST_LIMIT, withVerifyDetail } from '../metrics/verify-summary.js';
import type { AcknowledgedInstance } from '../operations/types.js';

export { verifyPassed } from '../metrics/verify-summary.js';

/** SOP Instance UIDs listed in the summary at most; the count is always complete. */
export const MISSING_LIST_LIMIT = VERIFY_LIST_LIMIT;

/** The acknowledged instances of one series (or of one study, when the series is unknown). */
export interface VerifyGroup {
  studyUid: string;
  seriesUid: string | undefined;
  sopInstanceUids: string[];
}

/**
 * Groups instances by study and series, in first-seen order; an instance
 * acknowledged twice is checked once, in the series it was first acknowledged in.
 */
export function groupAcknowledged(instances: Iterable<AcknowledgedInstance>): VerifyGroup[] {
  return tallyAcknowledged(instances).groups;
}

/**
 * One pass over the acknowledgements: the groups to query and the send counts
 * (countAcknowledgements), sharing one map of SOP Instance UIDs, since a long
 * run hands the coordinator millions of them.
 */
export function tallyAcknowledged(
  instances: Iterable<AcknowledgedInstance>,
  notKept = 0,
  listLimit = VERIFY_LIST_LIMIT,
): { groups: VerifyGroup[]; counts: AcknowledgementCounts } {
  const groups = new Map<string, VerifyGroup>();
  const timesSeen = new Map<string, number>();
  const counts: AcknowledgementCounts = { acknowledgedSends: notKept, distinctInstances: 0, acknowledgedMoreThanOnce: 0, extraAcknowledgements: 0, duplicateInstances: [] };
  for (const instance of instances) {
    counts.acknowledgedSends++;
    const uid = instance.sopInstanceUid;
    const times = (timesSeen.get(uid) ?? 0) + 1;
    timesSeen.set(uid, times);
    if (times > 1) {
      counts.extraAcknowledgements++;
      if (times === 2) {
        counts.acknowledgedMoreThanOnce++;
        if (counts.duplicateInstances.length < listLimit) counts.duplicateInstances.push(uid);
      }
      continue;
    }
    const key = `${instance.studyUid}\u0000${instance.seriesUid ?? ''}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { studyUid: instance.studyUid, seriesUid: instance.seriesUid, sopInstanceUids: [] };
      groups.set(key, group);
    }
    group.sopInstanceUids.push(uid);
  }
  counts.distinctInstances = timesSeen.size;
  return { groups: [...groups.values()], counts };
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

/**
 * What was sent, as opposed to what is stored (issue 14, item 3): every
 * acknowledgement counts as a send, and an instance (a SOP Instance UID,
 * unique by definition, PS3.5 section 9) acknowledged more than once is a
 * duplicate: the target overwrote or ignored the later copy, so it holds
 * fewer objects than the run sent.
 */
export interface AcknowledgementCounts {
  /** Every acknowledgement, those beyond the memory cap (`notKept`) included. */
  acknowledgedSends: number;
  /** Distinct SOP Instance UIDs among those kept. */
  distinctInstances: number;
  /** Instances acknowledged more than once. */
  acknowledgedMoreThanOnce: number;
  /** Acknowledgements beyond each instance's first. */
  extraAcknowledgements: number;
  /** The first `listLimit` instances acknowledged more than once, in the order their second acknowledgement came. */
  duplicateInstances: string[];
}

/** Counts the acknowledgements; `notKept` adds sends that were counted but not listed (they cannot be told apart). */
export function countAcknowledgements(instances: Iterable<AcknowledgedInstance>, notKept = 0, listLimit = VERIFY_LIST_LIMIT): AcknowledgementCounts {
  return tallyAcknowledged(instances, notKept, listLimit).counts;
}

/**
 * The full summary: what the target returned (`compareFound`) with the send
 * counts, whether duplicates were meant, and the result in words (`detail`).
 */
export function completeVerify(found: VerifySummary, counts: AcknowledgementCounts, duplicatesIntended: boolean): VerifySummary {
  return withVerifyDetail({ ...found, ...counts, duplicatesIntended });
}

/** The summary of a check that did not run (`error` says why): every acknowledged instance is not checked. */
export function uncheckedVerify(instances: readonly AcknowledgedInstance[], notKept: number, error: string, duplicatesIntended = false): VerifySummary {
  const counts = countAcknowledgements(instances, notKept);
  // As when a query fails: each distinct instance once, and those beyond the memory cap.
  const found: VerifySummary = { checked: 0, missing: 0, missingInstances: [], notChecked: counts.distinctInstances + notKept, error };
  return completeVerify(found, counts, duplicatesIntended);
}
